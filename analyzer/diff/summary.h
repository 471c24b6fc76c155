// A run reduced to named, comparable numbers for `analyzer diff`: sections
// of rows (a file, a call site, a finding), each row a few metrics. Rows are
// keyed by what stays the same between two builds (site_key.h, file paths).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../pipeline.h"

namespace analyzer {

enum class Unit { Count, Bytes, Seconds, Ratio, Share };  // Share: a fraction of a whole, shown as a percentage

struct Metric {
    std::string name;  // "calls", "bytes", "seconds", ...
    Unit unit = Unit::Count;
    double value = 0;
    bool needs_both = false;  // compare only when both runs have it (serial fraction needs samples)
};

struct SummaryRow {
    std::string key;  // "read /data/moby.txt", "readbyte() in words.cpp", "wall"
    std::vector<Metric> metrics;
};

struct SummarySection {
    std::string name;       // stable id, the JSON key: "run", "files", ...
    std::string title;      // for the text view
    bool ranked = false;    // rows sorted by their first metric (else kept in order)
    std::vector<SummaryRow> rows;
    // Ranked by how much the first metric changed, not by its size: what moved
    // most between the runs first (the CPU profile, as `pprof -diff_base` ranks it).
    bool by_change = false;
};

struct RunSummary {
    std::string path;
    std::string command;
    bool partial = false;
    uint32_t pid = 0;
    std::string window_base;             // LOG of LOG.wN (model/window_name.h)
    std::string window;                  // "1", "2", ..., "s1" for a snapshot
    uint64_t start_realtime_ns = 0;      // when the log begins (the process's start)
    uint64_t duration_ns = 0;
    std::string budget;                  // the disk budget's cell (budget_words.h); "": none
    std::vector<SummarySection> sections;
};

// Two summaries of windows of one recording, by their names: LOG and LOG.wN,
// or LOG.wM and LOG.wN (the pids are shown, not required to match: a window
// copied from another run still reads as the window it is named).
bool same_recording(const RunSummary& a, const RunSummary& b);

RunSummary summarize_run(RunAnalysis& run);

}  // namespace analyzer
