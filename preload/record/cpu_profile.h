// The CPU profile: every thread gets a timer on its own CPU clock
// (timer_create(CLOCK_THREAD_CPUTIME_ID), not setitimer, whose one process
// timer undercounts busy threads), so a thread is interrupted once per period
// of CPU it uses, and only while it runs: a blocked thread is never woken, a
// blocking call never sees EINTR. The handler notes where the thread was
// (the stack, or the instruction alone where unwinding is unsafe) in the
// thread's own ring, without a lock or an allocation; the rings are written
// out as CpuSamples records by the sampler thread, at checkpoints, at the
// end, and by the handler itself when a ring fills while the thread runs
// program code.
#pragma once
#include <csignal>
#include <cstdint>

namespace shim {

// Why the profile stops (or never starts): the program wants the signal or a
// profiling timer of its own, and its profiler must keep working.
enum class CpuProfileOff { ProgramHandler, ProgramItimer, SignalTaken, NoTimer };

// Shim start: reads SHIM_CPU_HZ and SHIM_CPU_SIGNAL; the signal whose
// handler the hooks install (hooks_signal.cpp), 0 when there is no profile.
int cpu_profile_configure();
// Then: arms this thread's timer, or, when the signal was the program's
// already (`handler_installed` false), says why there is no profile.
void cpu_profile_start(bool handler_installed);
void cpu_profile_thread_start();      // on a new thread, first thing
// On an ending thread: no more samples from it, and the CPU its timer had
// not signalled yet is recorded (at `start_routine` when it has no sample).
void cpu_profile_thread_end(uint64_t start_routine);
void cpu_profile_after_fork_child();  // timers are not inherited: the child's thread gets one

// The sampler's scan of /proc/self/task found these threads, which the hooks
// never saw start (a raw clone, or running before the shim): one listed in two
// scans in a row gets a timer on its own CPU clock. Sampler thread only.
void cpu_profile_foreign_threads(const uint32_t* tids, int count);

// The profile's signal number; 0 when there is no profile.
int cpu_profile_signal();
// True when `info` comes from one of the profile's timers.
bool cpu_profile_owns(const siginfo_t* info);
// The timer's signal, from the shim's handler (hooks_signal.cpp).
void cpu_profile_on_signal(const siginfo_t* info, void* context);
// Deletes every timer and says why in the log; idempotent.
void cpu_profile_stop(CpuProfileOff why);

// Writes the samples every thread's ring holds (the sampler, checkpoints,
// the final flush). Skipped when another thread is writing them already,
// unless `wait`.
void cpu_profile_write(bool wait);

}  // namespace shim
