// The threads section's figures: how many threads, how many at once, and
// their lifetimes, CPU and creation cost grouped by what they ran.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../model/model.h"
#include "../model/time_axis.h"
#include "../symbols/thread_names.h"
#include "unseen_io.h"

namespace analyzer {

// Threads with the same label (thread_names.h), i.e. the same work.
struct ThreadGroupStats {
    std::string label;
    std::string routine;       // start routine, described
    std::string created_at;    // creation site; "" when unknown
    uint32_t create_stack = 0; // one of theirs, for a finding's stack
    bool is_main = false;
    std::vector<size_t> members;  // indexes into Log::threads, in start order
    double lifetime_min_ns = 0, lifetime_median_ns = 0, lifetime_max_ns = 0;
    double cpu_total_ns = 0, cpu_median_ns = 0;  // the median of those whose clocks were read, each
                                                 // sampled short-lived one standing for the unread ones
    uint64_t cpu_estimated = 0;  // short-lived, clock not read: the total has them at the sample's mean
    // pthread_create called -> the thread running (median), over `creation_known` threads.
    double creation_median_ns = 0;
    uint64_t creation_known = 0;
    uint64_t ended[4] = {};    // by shimlog::ThreadEnd
    // The kernel's read/write counts (unseen_io.h), summed over the members
    // whose counts the shim read (short-lived ones only in a sample).
    uint64_t io_read = 0;
    IoDirection io_reads, io_writes;
    uint64_t count() const { return members.size(); }
};

struct JoinWait {
    uint32_t tid = 0;
    std::string label;
    uint64_t joins = 0;
    double wait_ns = 0;
};

struct ThreadsSummary {
    bool present = false;      // the log has Thread records
    bool times_known = false;  // lifetimes need a calibrated clock
    uint64_t threads = 0;
    uint64_t created = 0;      // through pthread_create
    uint64_t peak_alive = 0;
    double peak_at_ns = 0;     // since the process started
    double cpu_total_ns = 0;
    uint64_t cpu_estimated = 0;  // threads whose CPU is an estimate (thread_cpu_estimate.h)
    uint64_t cpu_sampled = 0;    // short-lived threads read as the sample
    std::vector<ThreadGroupStats> groups;  // the most threads first
    std::vector<JoinWait> joiners;         // the longest wait first
    ThreadIoState io_state = ThreadIoState::NotRecorded;
    uint64_t io_read = 0;  // threads whose kernel counts were read
};

ThreadsSummary summarize_threads(const Log& log, ThreadNamer& names);

}  // namespace analyzer
