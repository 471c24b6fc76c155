// Allocation events of all threads replayed in the program's order (their
// global sequence numbers), summed per stack: totals, peak heap, temporary
// allocations and what was still allocated when the log ends.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "../model/model.h"
#include "reachability.h"

namespace analyzer {

// Everything allocated from one full stack.
struct AllocStackStats {
    uint32_t stack_id = 0;
    uint64_t allocations = 0;
    uint64_t bytes = 0;
    uint64_t temporary = 0;     // freed by the same thread before its next allocation
    uint64_t leaked = 0;        // still allocated when the log ends
    uint64_t leaked_bytes = 0;
    // A window's log: blocks live at its start (allocated before it) and still
    // live at its end, held across it; not in `leaked`.
    uint64_t held = 0;
    uint64_t held_bytes = 0;
    uint64_t min_size = 0;
    uint64_t max_size = 0;
    std::map<uint64_t, uint64_t> sizes;  // size -> allocations (the first kMaxDistinctSizes sizes)
};
constexpr size_t kMaxDistinctSizes = 1024;

// The size allocated most often (the smallest of equals); 0 when none.
uint64_t most_common_size(const std::map<uint64_t, uint64_t>& sizes);

struct AllocReport {
    uint64_t allocations = 0;
    uint64_t frees = 0;           // every free event, unknown_frees included
    uint64_t bytes = 0;           // allocated in all
    uint64_t temporary = 0;
    uint64_t peak_bytes = 0;      // most bytes allocated at once
    uint64_t peak_ticks = 0;      // the clock mark nearest before the peak
    uint64_t live_allocations = 0;  // allocated in the log and still allocated when it ends
    uint64_t live_bytes = 0;
    // A window's log that lists the blocks live at its start (Log::live_at_start):
    // the heap starts from them, their frees are frees of known blocks.
    bool start_known = false;
    uint64_t start_blocks = 0;      // live when the window opened
    uint64_t start_bytes = 0;
    uint64_t start_freed = 0;       // of them, freed in the window
    uint64_t start_freed_bytes = 0;
    uint64_t start_freed_unseen = 0;  // their address allocated again: freed while no window was open
    uint64_t held_across = 0;       // still live at the end: held across the window
    uint64_t held_across_bytes = 0;
    uint64_t unknown_frees = 0;   // of pointers allocated before tracing began
    uint64_t lost_frees = 0;      // a live pointer allocated again: its free was not recorded
    uint64_t unrecorded_frees = 0;  // the same for a block from before a disk budget's switch to sampling: expected
    uint64_t out_of_order = 0;    // events whose sequence number is not after the one before
    uint64_t threads = 0;         // distinct thread ids that allocated or freed
    std::string problem;          // the first malformed chunk met, if any
    // Sampling mode: allocations, bytes and frees (totals and per stack) are
    // exact counts; peak, live and leaked figures are estimates from the
    // sampled blocks; temporary allocations are not known (0).
    uint64_t sample_bytes = 0;    // 0: every allocation was recorded
    bool budget_sampled = false;  // sampled by the disk budget (SHIM_MAX_LOG_MB), not SHIM_ALLOC_SAMPLE
    std::map<uint32_t, AllocStackStats> stacks;  // by stack id
    // Of the blocks live at exit, which were still reachable and which lost
    // (from the shim's exit scan); `reach.undecided` says why when unknown.
    Reachability reach;

    bool any() const { return allocations + frees + start_blocks > 0; }
    bool sampled() const { return sample_bytes != 0; }
    // The events add up: nothing malformed, no free missing, order intact.
    bool consistent() const { return problem.empty() && lost_frees == 0 && out_of_order == 0; }
};

// Streams the chunks in sequence order; `progress`, when given, hears the
// fraction of chunks opened now and then.
AllocReport analyze_allocations(const Log& log, const std::function<void(double)>& progress = {});

// Seconds from the process start to a tick value; negative when the log's
// clock could not be calibrated.
double seconds_since_start(const Log& log, uint64_t ticks);

}  // namespace analyzer
