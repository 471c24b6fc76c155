// Every rule, and the one call that runs them all, ranked by what they cost.
#pragma once
#include <vector>

#include "../call_sites.h"
#include "../model.h"
#include "finding.h"

namespace analyzer {

std::vector<Finding> find_unbuffered_io(const Log& log, CallSites& sites, const Thresholds& limits);

// All findings, the costliest first.
std::vector<Finding> find_all(const Log& log, CallSites& sites, const Thresholds& limits);

}  // namespace analyzer
