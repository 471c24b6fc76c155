// The disk budget (SHIM_MAX_LOG_MB, BudgetInfo) in words, for every view:
// when the shim sampled allocations or stopped writing events to keep the
// log small, and what that means for the figures.
#pragma once
#include <string>

#include "../model/model.h"

namespace analyzer {

// Seconds into the log of a CLOCK_MONOTONIC time.
double budget_seconds(const Log& log, uint64_t ns);

// "disk budget 1.0 MiB: allocations sampled from 768 KiB (at 0.41 s),
// recording stopped at 1.0 MiB (at 0.55 s)"; "" without a budget.
std::string budget_summary(const Log& log);

// A table cell (report --windows): "sampled at 0.41 s, stopped at 0.55 s",
// "1.0 MiB, not reached"; "" without a budget.
std::string budget_cell(const Log& log);

// What the reader must know, one sentence each ("" when nothing).
std::string budget_sampling_consequence(const Log& log);
std::string budget_stop_consequence(const Log& log);

}  // namespace analyzer
