// Mutexes. The hot hooks: a program may lock and unlock millions of times a
// second, nearly always without waiting. So the uncontended paths are a few
// instructions and no frame (this file is built without frame pointers):
//   lock:   the real trylock (or, in a process with one thread, the real
//           lock: glibc skips its bus lock there, a try never does);
//   unlock: one load of the lock word, then the real unlock.
// Everything else is out of line, entered by a tail call, so that its return
// address and frame are the program's call site (PROGRAM_SITE). Nothing is
// timed or recorded unless the try failed; the program gets exactly what the
// real call returned.
#include <pthread.h>

#include <atomic>

#include <cerrno>
#include <ctime>

#include "../clock.h"
#include "../record/unwinder_pipe.h"
#include "../record/waits.h"
#include "glibc_mutex.h"
#include "interpose.h"

using shim::CallSite;
using shim::RealFunction;
using shimlog::WaitKind;

namespace {

// Inside a function entered by a tail call from a hook: the program's call.
#define PROGRAM_SITE                                                                 \
    CallSite{reinterpret_cast<uint64_t>(__builtin_return_address(0)),                 \
             reinterpret_cast<uint64_t>(__builtin_frame_address(0)) + 16}

RealFunction<int (*)(pthread_mutex_t*)> real_lock("pthread_mutex_lock");
RealFunction<int (*)(pthread_mutex_t*)> real_trylock("pthread_mutex_trylock");
RealFunction<int (*)(pthread_mutex_t*, const timespec*)> real_timedlock("pthread_mutex_timedlock");
RealFunction<int (*)(pthread_mutex_t*, clockid_t, const timespec*)> real_clocklock("pthread_mutex_clocklock");
RealFunction<int (*)(pthread_mutex_t*)> real_unlock("pthread_mutex_unlock");

inline uint64_t address(const void* object) { return reinterpret_cast<uint64_t>(object); }

// The real lock and unlock the fast paths jump to: each pointer starts at a
// stub that resolves the real function, stores it and calls it, so the hot
// path is one indirect jump with no null test (two instructions fewer per
// call than testing for "not resolved yet"). Threads racing through the stub
// all store the same address.
using MutexFn = int (*)(pthread_mutex_t*);
int first_lock(pthread_mutex_t* m);
int first_unlock(pthread_mutex_t* m);
std::atomic<MutexFn> g_lock{first_lock};
std::atomic<MutexFn> g_unlock{first_unlock};
__attribute__((noinline)) int first_lock(pthread_mutex_t* m) {
    MutexFn fn = real_lock.get();
    g_lock.store(fn, std::memory_order_relaxed);
    return fn(m);
}
__attribute__((noinline)) int first_unlock(pthread_mutex_t* m) {
    MutexFn fn = real_unlock.get();
    g_unlock.store(fn, std::memory_order_relaxed);
    return fn(m);
}
inline int call(std::atomic<MutexFn>& fn, pthread_mutex_t* m) { return fn.load(std::memory_order_relaxed)(m); }

// libunwind's own locks (its thread-data destructor at every thread's end
// locks a global one) are the shim's business: it loads libunwind.
inline bool shims_own(CallSite site) {
    return shim::t_guard_depth != 0 || shim::called_from_unwinder(reinterpret_cast<const void*>(site.return_address));
}

// A mutex that was held: the real call blocks. Recorded if it got the lock
// (or gave up at its deadline); EDEADLK and other errors returned at once.
template <typename Lock>
inline int contended(pthread_mutex_t* m, CallSite site, Lock lock) {
    uint64_t start = shim::now_ticks();
    int result = lock();
    uint64_t end = shim::now_ticks();
    if (result == 0 || result == EOWNERDEAD) {
        shim::waits_mutex_acquired(address(m), start, end);
        shim::waits_record(address(m), WaitKind::Mutex, start, end, false, site);
    } else if (result == ETIMEDOUT) {
        shim::waits_record(address(m), WaitKind::Mutex, start, end, true, site);
    }
    return result;
}

// After a try that did not take the mutex. EOWNERDEAD: the try got it, as the
// lock would have; EBUSY: held, so the lock blocks (timed unless the call is
// the shim's own); anything else, EDEADLK included (a try says EBUSY to its
// owner): the lock's own answer.
template <typename Lock>
inline int after_try(pthread_mutex_t* m, int tried, CallSite site, Lock lock) {
    if (tried == EOWNERDEAD) return tried;
    if (tried != EBUSY || shims_own(site)) return lock();
    return contended(m, site, lock);
}

// Entered by tail calls only (see PROGRAM_SITE).
__attribute__((noinline)) int lock_after_try(pthread_mutex_t* m, int tried) {
    return after_try(m, tried, PROGRAM_SITE, [m] { return real_lock.get()(m); });
}

__attribute__((noinline)) int timedlock_after_try(pthread_mutex_t* m, const timespec* deadline, int tried) {
    return after_try(m, tried, PROGRAM_SITE, [m, deadline] { return real_timedlock.get()(m, deadline); });
}

__attribute__((noinline)) int clocklock_after_try(pthread_mutex_t* m, clockid_t clock, const timespec* deadline,
                                                  int tried) {
    return after_try(m, tried, PROGRAM_SITE,
                     [m, clock, deadline] { return real_clocklock.get()(m, clock, deadline); });
}

// The lock of a process with threads: the try first. Entered by a tail call
// (its register saves stay off the one-thread path), and leaves by one.
__attribute__((noinline)) int lock_trying(pthread_mutex_t* m) {
    int tried = real_trylock.get()(m);
    if (__builtin_expect(tried == 0, 1)) return 0;
    return lock_after_try(m, tried);
}

// An unlock whose lock word is above 1 (a robust or PI mutex always, a normal
// one when a thread may wait): if one may, and the unlock is the program's by
// the owner, the release is published for the waiter it lets in.
__attribute__((noinline)) int unlock_with_waiters(pthread_mutex_t* m) {
    CallSite site = PROGRAM_SITE;
    if (shim::mutex_may_have_waiters(m) && !shims_own(site) && shim::waits_on() &&
        shim::mutex_unlock_releases(m, shim::thread_id()))
        shim::waits_mutex_releasing(address(m), site);
    return real_unlock.get()(m);
}

}  // namespace

extern "C" {
#pragma GCC visibility push(default)  // the hooks: what the program links to

int pthread_mutex_lock(pthread_mutex_t* m) {
    if (shim::mutex_cannot_be_contended(m) || !shim::waits_on()) return call(g_lock, m);
    return lock_trying(m);
}

// glibc looks at the deadline only when the mutex is held: tried first too.
int pthread_mutex_timedlock(pthread_mutex_t* m, const timespec* deadline) {
    if (!shim::waits_on()) return real_timedlock.get()(m, deadline);
    int tried = real_trylock.get()(m);
    if (tried == 0) return 0;
    return timedlock_after_try(m, deadline, tried);
}

// ... but at the clock always (EINVAL even when the mutex is free).
int pthread_mutex_clocklock(pthread_mutex_t* m, clockid_t clock, const timespec* deadline) {
    if (!shim::waits_on() || !shim::futex_clock_supported(clock)) return real_clocklock.get()(m, clock, deadline);
    int tried = real_trylock.get()(m);
    if (tried == 0) return 0;
    return clocklock_after_try(m, clock, deadline, tried);
}

int pthread_mutex_unlock(pthread_mutex_t* m) {
    if (__builtin_expect(!shim::mutex_word_quiet(m), 0)) return unlock_with_waiters(m);
    return call(g_unlock, m);
}

#pragma GCC visibility pop
}  // extern "C"
