// How each thread spent a time range: on CPU (spinning on a spin lock a part
// of it, not a share beside it), runnable without a core, blocked on a lock, waiting for work (a condition, semaphore or barrier),
// in pthread_join, or blocked where no hook sees (I/O, sleep, a raw futex).
// The waits are exact (the shim timed each contended one); CPU and run-queue
// time come from the sampler's readings, spread evenly between them, so
// they are fitted into what the waits leave of the thread's time.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "../model/model.h"
#include "concurrency.h"

namespace analyzer {

class ThreadCpuTimeline;  // phase_attribution.h

// A thread's waits on one object within the range, clipped to it. A join
// counts until the joined thread ended: the rest is the joiner waking up.
struct ObjectWait {
    shimlog::WaitKind kind = shimlog::WaitKind::Mutex;  // RwRead and RwWrite kept apart
    uint64_t object = 0;      // its address; a join's: the joined thread's tid
    double ns = 0;
    uint64_t waits = 0;       // waits that overlapped the range
    double longest_ns = 0;    // the longest of them, clipped
    uint32_t stack_id = 0;    // the wait site of that longest one
};

constexpr size_t kBlockedKinds = 5;  // shimlog::BlockedIn, Io to Other

// One thread (one life: a reused tid is another entry) in the range.
struct ThreadTime {
    uint32_t tid = 0;
    size_t thread = 0;        // its index in Log::threads
    double alive_ns = 0;      // its part of the range: cpu, runnable, blocked_ns() and unseen sum to it
    double cpu_ns = 0;        // on CPU, spinning included
    double spin_ns = 0;       // of cpu_ns, spinning on a spin lock found held (its Spin waits: exact)
    double runnable_ns = 0;   // ready to run, no core free (0 when unknown)
    double unread_ns = 0;     // of its threads' time alive, that of threads whose run-queue time was never read
    std::vector<ObjectWait> waits;  // the most time first
    double unseen_ns = 0;     // blocked where no hook sees (I/O, sleep, a raw futex), or runnable when unread
    // Of unseen_ns, the part the sampler's readings place in each BlockedIn
    // kind (index: kind - 1), in proportion to the readings that found the
    // thread blocked in a syscall outside its recorded waits; all 0 without readings.
    std::array<double, kBlockedKinds> unseen_in{};
    uint64_t blocked_readings = 0;
    // Of unseen_in[Io], the part on each descriptor the readings named (fd, ns), the most first.
    std::vector<std::pair<int32_t, double>> io_on;
    double waited_ns() const;   // all of `waits`, spinning included
    double blocked_ns() const;  // of them, the ones off the CPU (all but spinning)
};

struct RangeTime {
    double start_ns = 0, end_ns = 0;
    double length_ns = 0;      // summed over merged ranges
    bool known = false;        // thread lives and wait times placed (Thread records, a calibrated clock, wait records)
    bool runnable_known = false;  // the kernel's run-queue readings exist
    uint64_t waits_dropped = 0;   // waits lost to full buffers: the wait shares are lower bounds
    std::vector<ThreadTime> threads;  // alive in it (attribute_phases' rule), in Log::threads order
    uint32_t ended = 0;        // threads gone before it (or early in it)
    uint32_t not_started = 0;  // threads not yet started (or started late in it)
    const ThreadTime* thread(uint32_t tid) const;  // the longest-lived entry of that tid; null when not alive
};

// Each of log.waits.events placed on the run's axis, in the same order:
// [start, end) in ns since the process started, a join ended where the
// joined thread ended. Empty without a calibrated clock.
struct PlacedWait {
    double start_ns, end_ns;
    const WaitEvent* event;
};
std::vector<PlacedWait> placed_waits(const Log& log);

class ThreadTimes {
public:
    explicit ThreadTimes(const ThreadCpuTimeline& timeline);
    // Each thread alive in [start_ns, end_ns) (ns since the process started).
    RangeTime in(double start_ns, double end_ns) const;

private:
    void split_unseen(ThreadTime& t, double lo, double hi) const;
    const ThreadCpuTimeline& timeline_;
    std::map<uint32_t, std::vector<PlacedWait>> waits_;  // by tid, in time order
    struct Blocked {
        double at_ns;
        shimlog::BlockedIn kind;
        int32_t fd;
    };
    std::map<uint32_t, std::vector<Blocked>> blocked_;    // by tid, in time order
    bool known_ = false;
};

// Adds `more`'s times and waits to `into` (the same thread in another
// stretch, or another thread of a group).
void add_thread_time(ThreadTime& into, const ThreadTime& more);
// Adds `more` (another stretch of the same finding) to `into`, thread by thread.
void merge_range_time(RangeTime& into, const RangeTime& more);

// Each serial and idle phase's breakdown, in the phases' order, and the whole run's.
struct PhaseThreadTimes {
    std::vector<RangeTime> serial;
    std::vector<RangeTime> idle;
    RangeTime run;  // the whole run, read the same way (the concurrency section's breakdown)
};
PhaseThreadTimes thread_times_of_phases(const ThreadCpuTimeline& timeline, const Concurrency& c);

}  // namespace analyzer
