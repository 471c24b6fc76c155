// Every rule, listed in one table (rules.cpp), and the one call that runs them
// all, ranked by what they cost. A rule reads the log and its Analysis, never
// computes an analysis of its own.
#pragma once
#include <string>
#include <vector>

#include "../analysis/analysis.h"
#include "../symbols/call_sites.h"
#include "../analysis/concurrency.h"
#include "../model/model.h"
#include "finding.h"

namespace analyzer {

// What every rule is handed.
struct RuleInput {
    const Log& log;
    const Analysis& analysis;
    CallSites& sites;
    const Thresholds& limits;
};

std::vector<Finding> find_unbuffered_io(const RuleInput& in);
// Many small reads of a regular file at scattered offsets (a header read
// again and again, or random records): a buffer does not help, "re-read".
std::vector<Finding> find_scattered_reads(const RuleInput& in);
// The same kind, for small syscalls the kernel counted that no hook saw (unseen_io.h).
std::vector<Finding> find_unseen_unbuffered_io(const RuleInput& in);
// One path opened thousands of times.
std::vector<Finding> find_reopened_files(const RuleInput& in);
std::vector<Finding> find_alloc_hotspots(const RuleInput& in);
std::vector<Finding> find_leaks(const RuleInput& in);
// Serial and idle phases from the sampler's P(t); too-fine threads from Thread records.
std::vector<Finding> find_serial_phases(const RuleInput& in);
std::vector<Finding> find_threads_too_fine(const RuleInput& in);
std::vector<Finding> find_idle_phases(const RuleInput& in);
// One function holding a large share of the CPU profile's samples.
std::vector<Finding> find_cpu_hotspots(const RuleInput& in);
// One mutex or rwlock whose contended waits cost a large share of the threads' time (waits.h).
std::vector<Finding> find_lock_contention(const RuleInput& in);
// Points a CPU hot spot in a syscall wrapper or the allocator at the
// unbuffered-I/O or allocation finding that explains it, when one fired.
void link_cpu_hotspots(std::vector<Finding>& findings);
// The phase lengths the serial-phase rule uses: the Analysis is computed with
// them (pipeline.cpp), so the views list the same phases.
ConcurrencyOptions concurrency_options(const Thresholds& limits);

struct Rule {
    std::vector<std::string> kinds;  // what its findings are called ("unbuffered-io", ...)
    std::vector<Finding> (*find)(const RuleInput& in);
};
// Every rule, in the order they run (findings of equal cost keep it): a new
// rule is a row here, and its kinds reach --fail-on and its help from here.
const std::vector<Rule>& rules();

// The kind of every finding a rule can make, each once, in the table's order:
// what --fail-on accepts and its help lists; report.schema.json's findings
// name the same (tests/unit/test_rule_table.cpp checks).
const std::vector<std::string>& finding_kinds();
// The same, comma-separated: "unbuffered-io, re-read, ...".
std::string finding_kinds_list();

// All findings, the costliest first (time), then leaks by bytes; each time
// finding's title says what it costs (cost_ranking.h). Nothing is left out here.
std::vector<Finding> find_all(const RuleInput& in);

}  // namespace analyzer
