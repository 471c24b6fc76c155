// The sampler: a thread of the shim's own that reads the process's CPU clock
// about once a millisecond, and each thread's now and then, giving the
// program's effective parallelism over time. Started with the program's first
// extra thread (a single-threaded program needs no sampling); its own CPU is
// subtracted, its signals are blocked, and nothing it does is recorded.
#pragma once

namespace shim {

void sampler_start();             // idempotent; from pthread_create
void sampler_stop();              // writes its last readings (final flush)
void sampler_after_fork_child();  // the child has no sampler thread

}  // namespace shim
