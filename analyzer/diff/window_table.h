// A recording's windows side by side (`analyzer report LOG --windows`): per
// window its time range, the headline figures `analyzer diff` compares (run,
// allocations, threads, CPU) and the cost of each finding, so a figure that
// grows from one window to the next stands out.
#pragma once
#include <string>
#include <vector>

#include "summary.h"

namespace analyzer {

struct WindowRow {
    std::string section;        // "Run", "Allocations", ...; "Findings (cost)"
    std::string key;            // "read calls", "unbuffered-io at readbyte() in words.cpp"
    Unit unit = Unit::Count;
    std::vector<double> values;  // one per window
    std::vector<bool> present;   // a finding absent from a window, a ratio without data
};

struct WindowTable {
    std::vector<RunSummary> windows;  // in window order; their sections are not used by the views
    std::vector<WindowRow> rows;      // headline rows first, then the findings
};

// The windows as given, put in window order when they are one recording's.
WindowTable tabulate_windows(std::vector<RunSummary> windows);

// The window logs of LOG that exist: LOG, then LOG.w2, LOG.w3, ... in number
// order (gaps allowed: SHIM_KEEP deletes older ones), snapshots left out.
std::vector<std::string> window_logs(const std::string& log_path);

}  // namespace analyzer
