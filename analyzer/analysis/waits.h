// The contended waits (Log::waits) per object waited on: a mutex, an rwlock
// (its read and write waits are one lock), a condition variable, a semaphore,
// a barrier, a thread joined. Each with its wait sites (where threads waited,
// Go's block profile) and, for mutexes, its holder sites (where the lock was
// released while others waited, Go's mutex profile): the same delay charged
// twice over, once to each side. Computed once (analysis.h), read by the
// lock-contention rule and the views.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../model/model.h"
#include "../symbols/thread_names.h"

namespace analyzer {

struct WaitSiteTotals {
    uint32_t stack_id = 0;
    shimlog::WaitKind kind = shimlog::WaitKind::Mutex;  // rwlock sites: read or write
    std::string where;  // "add_word() at workloads/wordfreq.cpp:70" (full names; simplify_site for text)
    uint64_t waits = 0, timeouts = 0;
    uint64_t wait_ns = 0, max_ns = 0;
    uint32_t threads = 0;  // distinct threads that waited here
};

struct HolderSiteTotals {
    uint32_t stack_id = 0;  // the release
    std::string where;
    uint64_t releases = 0;     // releases that had waiters
    uint64_t delay_ns = 0;     // the waits those releases ended
    uint64_t timed_holds = 0;  // of the releases, holds whose start was timed (the acquisition waited)
    uint64_t hold_ns = 0, max_hold_ns = 0;
};

struct WaitObject {
    uint64_t object = 0;  // its address; a join's: the joined thread's tid
    shimlog::WaitKind kind = shimlog::WaitKind::Mutex;  // of its costliest site (noun, meaning, class agree for all)
    std::string noun;     // wait_object_noun: "mutex", "rwlock", ...
    std::string label;    // wait_object_label: "counts_mutex in wordfreq.cpp"
    uint64_t waits = 0, timeouts = 0;
    uint64_t wait_ns = 0, max_ns = 0;
    // Threads that waited on it: exact from the per-wait events when they are
    // complete, or with a single site; else the most of any one site, a lower bound.
    uint32_t threads = 0;
    bool threads_at_least = false;
    double share = 0;  // wait_ns over the threads' summed lifetimes
    std::vector<WaitSiteTotals> sites;      // the most wait first
    std::vector<HolderSiteTotals> holders;  // mutexes only; the most delay first
    bool is_lock() const;
};

struct WaitsSummary {
    bool present = false;  // the log has wait records (a run with no contended wait has none)
    // Why the log cannot tell "no contended wait" from "waits not seen"
    // (waits_not_recorded); empty when waits were recorded.
    std::string not_recorded;
    bool timed = false;    // the clock was calibrated: ns are known
    std::vector<WaitObject> objects;  // the most wait first
    uint64_t lock_wait_ns = 0, event_wait_ns = 0, join_wait_ns = 0;  // by wait_class
    // The denominator of every share: each thread's life (start to end),
    // summed; the run's wall time when the log has no thread records.
    double threads_lifetime_ns = 0;
    uint64_t dropped_events = 0;  // per-wait events lost to full buffers (totals stay exact)
};

// `names` labels joins by the joined thread and symbolizes sites.
WaitsSummary summarize_waits(const Log& log, ThreadNamer& names);

// "" when the log's waits were recorded (Log::waits_recorded); else the
// sentence every view and phase says instead of implying no thread waited:
// "waits were not recorded (SHIM_WAITS=0)".
std::string waits_not_recorded(const Log& log);

// What the shim cannot see, one sentence, for every view.
extern const char* const kWaitsBlindSpots;

}  // namespace analyzer
