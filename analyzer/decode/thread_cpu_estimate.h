// The CPU time of short-lived threads whose clocks the shim did not read
// (ThreadCpu::NotRead): it reads a sample of them, since the read costs as
// much as such a thread's whole life.
#pragma once
#include <vector>

#include "../model/model.h"

namespace analyzer {

// The shim reads the clocks of the first kShortAlwaysRead short-lived threads
// to end, then of one in 16 at random (preload/threads.cpp). The first ones
// run on cold stacks and caches and are no sample of the rest.
constexpr size_t kShortAlwaysRead = 64;

// Gives each NotRead thread the mean CPU of the randomly sampled threads
// (ReadSample, past the first kShortAlwaysRead short-lived ones) that ran the
// same routine from the same creation site; failing those, of all its
// origin's ReadSample threads; then of all random samples, of all samples;
// failing any, its lifetime, when the clock is known.
void estimate_unread_thread_cpu(Log& log);

// How many threads each one's CPU reading stands for, by index into
// Log::threads: 1 for a thread read in full or among the first short-lived
// ones, (unread + sampled) / sampled for a random sample, 0 for one not read.
std::vector<double> thread_cpu_weights(const Log& log);

}  // namespace analyzer
