// One log taken through the whole pipeline (decode, symbols, allocation
// replay, rules): what `record` and `diff` need to show or compare a run.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "alloc_analysis.h"
#include "call_sites.h"
#include "findings/finding.h"
#include "model.h"
#include "progress.h"

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

// Loads and analyses the log at `path`. Throws LogError for unusable input.
std::unique_ptr<RunAnalysis> analyze_run(const std::string& path, const Thresholds& limits = {});

}  // namespace analyzer
