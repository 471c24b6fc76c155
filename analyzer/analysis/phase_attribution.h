// Which thread ran in a time range, and what else it did there. Per-thread
// CPU comes from the sampler's ThreadCpu readings (every ~10 ms) and each
// thread's final total from its Thread record; CPU between two readings is
// spread evenly over the time between them.
#pragma once
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "concurrency.h"
#include "../model/model.h"

namespace analyzer {

struct ThreadShare {
    uint32_t tid = 0;
    double cpu_ns = 0;
};

class ThreadCpuTimeline {
public:
    explicit ThreadCpuTimeline(const Log& log);
    // CPU each thread used in [start_ns, end_ns) (ns since the process
    // started), the most first; threads that used none are left out.
    std::vector<ThreadShare> cpu_in(double start_ns, double end_ns) const;
    // Threads that existed for at least min_overlap_ns of [start_ns, end_ns).
    std::vector<uint32_t> alive_in(double start_ns, double end_ns, double min_overlap_ns) const;
    // Time the threads spent runnable but waiting for a CPU in the range,
    // summed; -1 when the log has no such readings (no schedstats).
    double waiting_in(double start_ns, double end_ns) const;
    // The CPU one thread id used in the range.
    double cpu_of(uint32_t tid, double start_ns, double end_ns) const;
    // One life of a thread (started at born_ns, when its run-queue total was
    // 0): its time runnable without a CPU in the range, and how much of the
    // range its readings cover (from its start to its last reading).
    struct RunQueueTime {
        double waiting_ns = 0;
        double covered_ns = 0;
    };
    RunQueueTime run_queue_of(uint32_t tid, double born_ns, double start_ns, double end_ns) const;
    // The first and last time the thread id was seen; {0, 0} when never.
    std::pair<double, double> seen(uint32_t tid) const;
    const Log& log() const { return log_; }

private:
    struct Point {
        double at_ns;
        double cpu_ns;  // cumulative
    };
    struct Life {
        uint32_t tid;
        double start_ns, end_ns;
    };
    const Log& log_;
    std::map<uint32_t, std::vector<Point>> points_;  // by tid, in time order
    std::map<uint32_t, std::vector<Point>> waits_;   // run-queue waits, likewise
    std::vector<Life> lives_;                        // from Thread records, when the clock is known
};

// A thread that overlaps a phase by less than this share of it (and did not
// live entirely inside it) did not "exist meanwhile": phase edges come from
// windows, a reading or two off the exact moment a thread ended.
constexpr double kMinAliveShare = 0.1;

// Fills each phase's tid, thread_cpu_ns, others_cpu_ns, threads_alive and waiting_ns.
void attribute_phases(const ThreadCpuTimeline& timeline, std::vector<Phase>& phases);
// For a Concurrency: first splits each serial phase where a thread that did
// a tenth or more of its work started or ended inside it, or where one thread
// came to be alone (two workers sharing a busy machine's one free core, then
// the main thread alone writing the result, are two phases), dropping pieces
// shorter than the minimum; then attributes the serial and the idle phases.
void attribute_phases(const ThreadCpuTimeline& timeline, Concurrency& c);

// Allocations one thread made in a time range, from its allocation events'
// clock marks (a mark is read every 16 events, so the edges are approximate).
struct RangeAllocations {
    uint64_t allocations = 0;
    uint64_t bytes = 0;
    bool known = false;  // the log has allocation events and a calibrated clock
};
RangeAllocations allocations_in(const Log& log, uint32_t tid, double start_ns, double end_ns);

}  // namespace analyzer
