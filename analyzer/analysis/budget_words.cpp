#include "budget_words.h"

#include "../text/format.h"

namespace analyzer {

double budget_seconds(const Log& log, uint64_t ns) {
    return ns > log.process.start_ns ? double(ns - log.process.start_ns) / 1e9 : 0.0;
}

std::string budget_summary(const Log& log) {
    const BudgetInfo& b = log.budget;
    if (!b.present) return "";
    std::string s = "disk budget " + human_bytes(double(b.limit_bytes)) + " (SHIM_MAX_LOG_MB)";
    if (!b.sampled() && !b.stopped()) return s + ": not reached, every event recorded";
    if (b.sampled())
        s += ": allocations sampled from " + human_bytes(double(b.sampling_bytes)) + " of log (at " +
             human_seconds(budget_seconds(log, b.sampling_ns)) + ")";
    if (b.stopped())
        s += std::string(b.sampled() ? "," : ":") + " recording stopped at " + human_bytes(double(b.stopped_bytes)) +
             " (at " + human_seconds(budget_seconds(log, b.stopped_ns)) + ")";
    return s;
}

std::string budget_cell(const Log& log) {
    const BudgetInfo& b = log.budget;
    if (!b.present) return "";
    if (!b.sampled() && !b.stopped()) return human_bytes(double(b.limit_bytes)) + ", not reached";
    std::string s;
    if (b.sampled()) s = "sampled at " + human_seconds(budget_seconds(log, b.sampling_ns));
    if (b.stopped()) s += (s.empty() ? "" : ", ") + std::string("stopped at ") + human_seconds(budget_seconds(log, b.stopped_ns));
    return s;
}

std::string budget_sampling_consequence(const Log& log) {
    const BudgetInfo& b = log.budget;
    if (!b.sampled()) return "";
    return "after " + human_seconds(budget_seconds(log, b.sampling_ns)) +
           " allocations are a sample: their counts per site stay exact, but peak and still-allocated figures are "
           "estimates and temporary allocations are not known";
}

std::string budget_stop_consequence(const Log& log) {
    const BudgetInfo& b = log.budget;
    if (!b.stopped()) return "";
    std::string s = "after " + human_seconds(budget_seconds(log, b.stopped_ns)) +
                    " only counts were kept (allocations per site, I/O, waits, threads): ";
    if (b.alloc_events_unwritten > 0) s += with_commas(b.alloc_events_unwritten) + " allocation events and ";
    s += with_commas(b.records_unwritten) + " event records (" + human_bytes(double(b.bytes_unwritten)) +
         ") were not written, so the timeline, CPU profile, parallelism and waits end there and findings from them are lower bounds";
    if (b.alloc_exact_unwritten > 0)
        s += "; allocation counts may fall short by up to " + with_commas(b.alloc_exact_unwritten) +
             " events recorded before sampling began";
    return s;
}

}  // namespace analyzer
