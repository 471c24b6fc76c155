// Decoding a log and running the rules from tests, as the report does
// (analyzer/pipeline.h), every finding kept (none left out by --min-cost).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "../../analyzer/decode/decode.h"
#include "../../analyzer/pipeline.h"

namespace harness {

struct Analysis {
    explicit Analysis(std::unique_ptr<analyzer::RunAnalysis> analysed);

    std::unique_ptr<analyzer::RunAnalysis> run;  // the pipeline's result; the names below are its parts
    const analyzer::Log& log;
    analyzer::CallSites* sites;
    const std::vector<analyzer::Finding>& findings;

    // Calls of the given direction on files whose path ends with `suffix`.
    uint64_t calls_on(const std::string& suffix, bool writes) const;
    const analyzer::Finding* finding(const std::string& kind) const;
};

Analysis analyze(const std::string& log_path, analyzer::Thresholds limits = {});

// The threads' time runnable but without a CPU (their last schedstat
// readings, summed): another program was taking the cores. 0 without schedstats.
double run_queue_wait_seconds(const analyzer::Log& log);

}  // namespace harness
