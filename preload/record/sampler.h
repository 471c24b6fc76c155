// The sampler: a thread of the shim's own that reads the process's CPU clock
// about once a millisecond, and each thread's now and then, giving the
// program's effective parallelism over time. Started with the program's first
// extra thread (a single-threaded program needs no sampling); its own CPU is
// subtracted, its signals are blocked, and nothing it does is recorded.
#pragma once
#include <atomic>

namespace shim {

// Idempotent; from pthread_create, a controlled process's start, and a
// controlled process's fork child (`only_thread`: the forking thread is the
// child's one thread, though glibc, which counted the parent's, still says
// it is not single-threaded).
void sampler_start(bool only_thread = false);
void sampler_stop();              // writes its last readings (final flush)
void sampler_after_fork_child();  // the child has no sampler thread

// Before a call the kernel refuses to a process of more than one thread
// (unshare or setns into a user namespace; unshare of CLONE_VM, CLONE_SIGHAND
// or CLONE_THREAD): when the sampler is the one thread besides the caller,
// it writes its readings and ends, and is gone once this returns true; then
// sampler_come_back starts it again. Without it a program that may make the
// call alone could not under the shim (hooks_namespaces.cpp).
bool sampler_step_aside();
void sampler_come_back();

// True while the sampler is the only thread besides the program's first one:
// a controlled program (SHIM_START, SHIM_PERIOD) that never made a thread is
// still single-threaded as far as the program goes, though glibc now counts
// two. Cleared when the program makes a thread (sampler_note_program_thread
// from the hook at once; one made past the hook is seen within 50 ms).
extern std::atomic<bool> g_sampler_alone_with_main;
inline bool sampler_alone_with_main() { return g_sampler_alone_with_main.load(std::memory_order_relaxed); }
void sampler_note_program_thread();

}  // namespace shim
