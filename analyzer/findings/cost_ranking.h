// Findings ranked by what they cost: time first (the costliest first), then
// memory (leaks, by bytes). Count-triggered findings (many calls, many
// allocations, many opens, many threads) that cost less than --min-cost are
// left out of the report, which says how many.
#pragma once
#include <string>
#include <vector>

#include "../model/model.h"
#include "finding.h"

namespace analyzer {

// True for the kinds a count alone raises (unbuffered-io, alloc-hotspot,
// file-reopened, threads-too-fine, re-read): those --min-cost applies to.
bool count_triggered(const std::string& kind);
// max(min_cost_share x the run's wall time, min_cost_floor_ns).
double min_cost_ns(const Log& log, const Thresholds& limits);
// "1% of the run or 5 ms, the larger": the threshold in words.
std::string min_cost_text(const Thresholds& limits);
// Sets the threshold from "0", "2%", "5ms", "0.1s", "250us"; "" or a one-line error.
std::string parse_min_cost(const std::string& text, Thresholds& limits);

// Appends "— costs ~X, Y% of the run" to each time finding's title.
void state_costs(std::vector<Finding>& findings, const Log& log);
// Time findings by cost_ns, the largest first, then memory findings by cost_bytes.
void rank_by_cost(std::vector<Finding>& findings);
// Sets below_min_cost on the count-triggered findings cheaper than the
// threshold (a cost the log cannot know is never "cheap"); returns how many.
size_t mark_below_min_cost(std::vector<Finding>& findings, const Log& log, const Thresholds& limits);
// The findings not marked below_min_cost, in order.
std::vector<Finding> costly_findings(const std::vector<Finding>& findings);

}  // namespace analyzer
