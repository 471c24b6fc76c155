// One log taken through the whole pipeline (symbols, allocation replay, every
// analysis once, the rules): what `report`, `record` and `diff` show or
// compare, and what the tests and the fuzzer run. Assembled here only.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "analysis/analysis.h"
#include "findings/finding.h"
#include "model/model.h"
#include "symbols/call_sites.h"
#include "text/progress.h"

namespace analyzer {

struct RunAnalysis {
    Log log;
    Thresholds limits;
    std::unique_ptr<Symbolizer> symbols;
    std::unique_ptr<CallSites> sites;  // refers to log and symbols: RunAnalysis stays put
    Analysis analysis;
    std::vector<Finding> all_findings;  // every finding: what the gates see (--fail-on counts cheap ones too)
    std::vector<Finding> findings;      // those that cost at least --min-cost
    size_t findings_left_out = 0;       // count-triggered ones that cost less (findings/cost_ranking.h)
};

// Takes a decoded log through symbols, allocation replay, the analyses and
// the rules, saying so on `progress` (cli/load_log.h's analyze_run loads it first).
std::unique_ptr<RunAnalysis> analyze_log(Log log, const Thresholds& limits, Progress& progress);

// Every analysis of `log` with the rules' phase lengths (`limits`), around an
// allocation report: analyze_allocations(log), or empty where nothing reads it
// (the timeline).
Analysis analyze_with_limits(const Log& log, CallSites& sites, AllocReport allocs, const Thresholds& limits);

}  // namespace analyzer
