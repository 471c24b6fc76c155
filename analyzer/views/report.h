// The report views: everything a view needs, and one function per format.
#pragma once
#include <ostream>
#include <vector>

#include "../alloc_analysis.h"
#include "../call_sites.h"
#include "../findings/finding.h"
#include "../model.h"

namespace analyzer {

struct ReportInput {
    const Log& log;
    const std::vector<Finding>& findings;
    CallSites& sites;
    size_t top = 10;  // rows per table
    const AllocReport& allocs;
    const Thresholds* limits = nullptr;  // the rules' thresholds; defaults when null
    bool colour = false;  // ANSI colour for finding titles and warnings (terminal.h decides)
    // Count-triggered findings cheaper than --min-cost, left out of `findings`
    // (findings/cost_ranking.h), and the threshold, in ns and in words.
    size_t findings_left_out = 0;
    double min_cost_ns = 0;
    std::string min_cost_text{};
};

void write_text_report(const ReportInput& in, std::ostream& out);
void write_json_report(const ReportInput& in, std::ostream& out);
// One self-contained HTML page (views/html_*.cpp): no scripts, styles or images fetched.
void write_html_report(const ReportInput& in, std::ostream& out);
// The text report's "Allocations" section; nothing when there were no events.
void write_alloc_section(const ReportInput& in, std::ostream& out);
// The text report's "Threads" and "Concurrency" sections; nothing without data.
void write_threads_section(const ReportInput& in, std::ostream& out);
void write_concurrency_section(const ReportInput& in, std::ostream& out);
class JsonWriter;
// The JSON report's "threads" and "concurrency" objects ("present": false without data).
void write_threads_json(const ReportInput& in, JsonWriter& json);
void write_concurrency_json(const ReportInput& in, JsonWriter& json);

// Aggregates shared by the views: per syscall and per (file, direction).
struct SyscallTotals {
    shimlog::Syscall syscall;
    uint64_t calls = 0, errors = 0, time_ns = 0;
    uint64_t untimed_calls = 0;  // counted but not timed: time_ns is then an estimate
};
struct FileTotals {
    uint32_t file_id = 0;  // the file's first id (file_groups.h)
    uint32_t opens = 1;    // the opens that did I/O on it
    bool writes = false;
    bool stdio = false;  // calls to stdio (fread, fgets, ...), not syscalls
    uint64_t calls = 0, bytes = 0, errors = 0, eof = 0, sequential = 0, consecutive = 0, time_ns = 0;
    uint64_t histogram[shimlog::kSizeBuckets] = {};
    uint64_t untimed_calls = 0;  // counted but not timed: time_ns is then an estimate
};
std::vector<SyscallTotals> totals_by_syscall(const Log& log);  // most time first (syscalls only)
std::vector<SyscallTotals> totals_by_stdio_call(const Log& log);  // the stdio calls seen
// "read", "write", "stdio rd", "stdio wr": a FileTotals row's operation.
const char* op_label(const FileTotals& t);
std::vector<FileTotals> totals_by_file(const Log& log);        // a row per file, not per open; most calls first

}  // namespace analyzer
