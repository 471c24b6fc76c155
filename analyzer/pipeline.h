// One log taken through the whole pipeline (decode, symbols, allocation
// replay, rules): what `record` and `diff` need to show or compare a run.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "analysis/alloc_analysis.h"
#include "symbols/call_sites.h"
#include "findings/finding.h"
#include "model/model.h"
#include "text/progress.h"

namespace analyzer {

struct RunAnalysis {
    Log log;
    Thresholds limits;
    std::unique_ptr<Symbolizer> symbols;
    std::unique_ptr<CallSites> sites;  // refers to log and symbols: RunAnalysis stays put
    AllocReport allocs;
    std::vector<Finding> findings;   // those that cost at least the --min-cost default
    size_t findings_left_out = 0;    // count-triggered ones that cost less (findings/cost_ranking.h)
};

// Takes a decoded log through symbols, allocation replay and the rules,
// saying so on `progress` (cli/load_log.h's analyze_run loads it first).
std::unique_ptr<RunAnalysis> analyze_log(Log log, const Thresholds& limits, Progress& progress);

}  // namespace analyzer
