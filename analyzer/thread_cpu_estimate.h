// The CPU time of short-lived threads whose clocks the shim did not read
// (ThreadCpu::NotRead): it reads a sample of them, since the read costs as
// much as such a thread's whole life.
#pragma once
#include "model.h"

namespace analyzer {

// Gives each NotRead thread the mean CPU of the sampled threads (ReadSample)
// that ran the same routine from the same creation site; failing those, of
// all sampled threads; failing any, its lifetime, when the clock is known.
void estimate_unread_thread_cpu(Log& log);

}  // namespace analyzer
