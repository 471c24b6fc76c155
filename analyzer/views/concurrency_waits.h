// The concurrency section's waits by object over the whole run, and how
// much of each fell while the cores sat unused (VTune's "wait time with poor
// CPU utilization"): rows shared by the text, JSON and HTML views.
#pragma once
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "../analysis/wait_utilization.h"
#include "../analysis/thread_time_text.h"

namespace analyzer {

struct WaitObjectRow {
    std::string label;     // "counts_mutex in wordfreq.cpp"; "pthread_join of 8 threads" (joins are one row)
    std::string kind;      // wait_kind_name: "mutex", "condition", "join", ...
    std::string site;      // the wait site with the most wait time
    std::string held_at;   // mutexes: the release site that held it longest while others waited
    uint64_t waits = 0;
    uint32_t threads = 0;  // threads that waited (joins: the most on one thread joined)
    double wait_ns = 0, poor_ns = 0;
};

// The `top` objects with the most wait time while the cores were poorly used.
std::vector<WaitObjectRow> wait_object_rows(const WaitUtilization& u, PhaseWaitNames& names, size_t top);
// A few lines under the phases; nothing when the log has no waits placed on P(t).
void write_concurrency_waits(const WaitUtilization& u, PhaseWaitNames& names, std::ostream& out);

}  // namespace analyzer
