// Every rule, and the one call that runs them all, ranked by what they cost.
#pragma once
#include <string>
#include <vector>

#include "../analysis/alloc_analysis.h"
#include "../symbols/call_sites.h"
#include "../analysis/concurrency.h"
#include "../model/model.h"
#include "finding.h"

namespace analyzer {

std::vector<Finding> find_unbuffered_io(const Log& log, CallSites& sites, const Thresholds& limits);
// Many small reads of a regular file at scattered offsets (a header read
// again and again, or random records): a buffer does not help, "re-read".
std::vector<Finding> find_scattered_reads(const Log& log, CallSites& sites, const Thresholds& limits);
// The same kind, for small syscalls the kernel counted that no hook saw (unseen_io.h).
std::vector<Finding> find_unseen_unbuffered_io(const Log& log, CallSites& sites, const Thresholds& limits);
// One path opened thousands of times.
std::vector<Finding> find_reopened_files(const Log& log, const Thresholds& limits);
std::vector<Finding> find_alloc_hotspots(const AllocReport& allocs, CallSites& sites, const Thresholds& limits);
std::vector<Finding> find_leaks(const Log& log, const AllocReport& allocs, CallSites& sites, const Thresholds& limits);
// Serial and idle phases from the sampler's P(t); too-fine threads from Thread records.
std::vector<Finding> find_serial_phases(const Log& log, CallSites& sites, const Thresholds& limits);
std::vector<Finding> find_threads_too_fine(const Log& log, CallSites& sites, const Thresholds& limits);
std::vector<Finding> find_idle_phases(const Log& log, const Thresholds& limits);
// The phase lengths the serial-phase rule uses, for the views to list the same phases.
ConcurrencyOptions concurrency_options(const Thresholds& limits);

// The kind of every finding a rule above can make ("unbuffered-io", ...), for
// --fail-on to check names against: a new rule adds its kind here.
const std::vector<std::string>& finding_kinds();

// All findings, the costliest first (time), then leaks by bytes; each time
// finding's title says what it costs (cost_ranking.h). Nothing is left out here.
std::vector<Finding> find_all(const Log& log, const AllocReport& allocs, CallSites& sites, const Thresholds& limits);
// The same, replaying the log's allocation events first.
std::vector<Finding> find_all(const Log& log, CallSites& sites, const Thresholds& limits);

}  // namespace analyzer
