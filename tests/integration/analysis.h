// Decoding a log and running the rules from tests, as the report does.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "../../analyzer/symbols/call_sites.h"
#include "../../analyzer/decode/decode.h"
#include "../../analyzer/findings/rules.h"

namespace harness {

struct Analysis {
    analyzer::Log log;
    std::unique_ptr<analyzer::Symbolizer> symbols;
    std::unique_ptr<analyzer::CallSites> sites;
    std::vector<analyzer::Finding> findings;

    // Calls of the given direction on files whose path ends with `suffix`.
    uint64_t calls_on(const std::string& suffix, bool writes) const;
    const analyzer::Finding* finding(const std::string& kind) const;
};

Analysis analyze(const std::string& log_path, analyzer::Thresholds limits = {});

}  // namespace harness
