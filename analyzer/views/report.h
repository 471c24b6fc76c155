// The report views: everything a view needs, and one function per format.
// Views only render: every analysis arrives computed, in `analysis`.
#pragma once
#include <ostream>
#include <vector>

#include "../analysis/analysis.h"
#include "../symbols/call_sites.h"
#include "../findings/finding.h"
#include "../model/model.h"

namespace analyzer {

struct ReportInput {
    const Log& log;
    const std::vector<Finding>& findings;
    CallSites& sites;
    size_t top = 10;  // rows per table
    const Analysis& analysis;  // pipeline.h computes it
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
// The text report's "CPU profile" section; nothing when the log has no CPU samples.
void write_cpu_section(const ReportInput& in, std::ostream& out);
// The text report's "Waits" section; without wait records, only
// waits_absent_line for a threaded run.
void write_waits_section(const ReportInput& in, std::ostream& out);
// Why a threaded run has no waits to list, for the text and HTML reports:
// "none contended (...)" or "waits were not recorded (SHIM_WAITS=0): ...";
// "" when there are waits or only one thread.
std::string waits_absent_line(const ReportInput& in);
class JsonWriter;
// The JSON report's "threads" and "concurrency" objects ("present": false without data).
void write_threads_json(const ReportInput& in, JsonWriter& json);
void write_concurrency_json(const ReportInput& in, JsonWriter& json);
// The JSON report's "cpu_profile" object, only when the log has CPU samples.
void write_cpu_json(const ReportInput& in, JsonWriter& json);
// The JSON report's "waits" object, only when the log has wait records.
void write_waits_json(const ReportInput& in, JsonWriter& json);

}  // namespace analyzer
