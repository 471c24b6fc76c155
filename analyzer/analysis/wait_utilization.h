// The run's wait time per object, and how much of it fell while the cores
// were poorly used (VTune's "wait time with poor CPU utilization"): a wait
// while the other threads kept the cores busy costs nothing, one while they
// sat idle is the program's parallelism lost.
#pragma once
#include <cstdint>
#include <vector>

#include "../model/model.h"
#include "concurrency.h"

namespace analyzer {

struct ObjectWaitTime {
    shimlog::WaitKind kind = shimlog::WaitKind::Mutex;  // RwRead and RwWrite of one lock merged as RwWrite
    uint64_t object = 0;      // its address; a join's: the joined thread's tid
    uint64_t waits = 0;
    double wait_ns = 0;       // every wait on it, whole (a join until the joined thread ended)
    double poor_ns = 0;       // of which while fewer than `target_level` threads were on CPU
    uint32_t threads = 0;     // distinct threads that waited on it
    uint32_t stack_id = 0;    // the wait site with the most wait time
};

struct WaitUtilization {
    bool known = false;       // wait events, a calibrated clock and P(t)
    int target_level = 0;     // threads on CPU the run showed it can have: max(2, its peak)
    double covered_wait_ns = 0;  // wait time inside P(t)'s windows (the rest before the sampler started)
    std::vector<ObjectWaitTime> objects;  // the most poorly-used time first
};

WaitUtilization wait_utilization(const Log& log, const Concurrency& c);

}  // namespace analyzer
