// CI gates for `analyzer report`: fail (exit 1) when a named kind of finding
// is present or read calls per MiB read exceed a limit, so a fixed
// regression cannot come back unnoticed.
#pragma once
#include <string>
#include <vector>

#include "../findings/finding.h"
#include "../model/model.h"

namespace analyzer {

struct Gates {
    std::vector<std::string> fail_on;  // finding kinds, e.g. "unbuffered-io"
    double max_reads_per_mib = -1;     // negative: no limit
};

// Empty when every name in `kinds` is a finding kind a rule makes; else a
// one-line error naming the bad one and listing the valid ones.
std::string unknown_kind_error(const std::vector<std::string>& kinds);

// Read calls (every read-family call, on every file) per MiB they read; a
// run that read less than 1 MiB counts as 1 MiB, so tiny runs fail only by
// making more than the limit's worth of calls in all.
double reads_per_mib(const Log& log);

// One line per gate that failed; empty when all passed. A log whose shim
// dropped events fails every gate that would otherwise pass.
std::vector<std::string> failed_gates(const Gates& gates, const Log& log, const std::vector<Finding>& findings);

// Prints "analyzer: gate failed: ..." on stderr for each failed gate; the
// report's exit status: 1 when one failed, else 0.
int apply_gates(const Gates& gates, const Log& log, const std::vector<Finding>& findings);

}  // namespace analyzer
