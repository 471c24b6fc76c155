// A disk budget (SHIM_MAX_LOG_MB) that sampled allocations or stopped the
// events: each finding whose figures come from events says so, and a
// stopped log's event-timed costs become lower bounds.
#pragma once
#include <vector>

#include "../model/model.h"
#include "finding.h"

namespace analyzer {

void mark_budget_bounds(std::vector<Finding>& findings, const Log& log);

}  // namespace analyzer
