// libunwind blocks every signal around each look-up of its caches and unwind
// tables (two rt_sigprocmask syscalls a time, a dozen per frame it has not
// seen): one compile of a small C file made 27,882 of them in cc1 under the
// shim (strace -c), and Debian's libunwind cannot be told to cache per
// thread instead (unw_set_caching_policy turns PER_THREAD into GLOBAL).
//
// In the shim's own unwinds the masking is done once: libunwind's first
// sigprocmask blocks every signal for real, the rest only answer as if they
// had run, and the unwind's end puts the thread's mask back. Signals stay
// blocked whenever libunwind holds its lock, as it intends; they are held
// from its first look-up to the end of the unwind instead of look-up by
// look-up. Anyone else's use of libunwind (a profiler's) is untouched.
#pragma once
#include <csignal>

namespace shim {

// sigprocmask called by libunwind while this thread is in the shim's unwind.
int unwinder_sigprocmask(int how, const sigset_t* set, sigset_t* old);
// At the end of the shim's unwind: the mask as it was before it.
void unwinder_signals_restore();

}  // namespace shim
