// The HTML report's I/O section: strace-like totals per syscall, then per
// file and direction a bar chart of how many calls moved how many bytes.
#include <algorithm>

#include "../model/syscall_names.h"
#include "../text/format.h"
#include "html_parts.h"

namespace analyzer {
namespace {

constexpr double kWidth = 460, kHeight = 170, kBase = 130, kBarTop = 22;
const char* const kBucketNames[shimlog::kSizeBuckets] = {"EOF", "1 B", "≤16 B", "≤512 B", "≤4 KiB", "≤64 KiB", "≤1 MiB", ">1 MiB"};

// One decimal below 10 µs: a cached read() takes well under one.
std::string usecs_per_call(const SyscallTotals& r) {
    if (r.calls == 0) return "-";
    double us = double(r.time_ns) / 1e3 / double(r.calls);
    return us < 10 ? fixed(us, 1) : with_commas(uint64_t(us));
}

void write_syscalls(const Log& log, const std::vector<SyscallTotals>& rows, std::ostream& out) {
    if (rows.empty()) {
        out << "<p class=\"empty\">No read or write calls were seen.</p>\n";
        return;
    }
    uint64_t total_ns = 0, total_calls = 0, untimed = 0;
    for (const SyscallTotals& r : rows) total_ns += r.time_ns, total_calls += r.calls, untimed += r.untimed_calls;
    out << "<table class=\"data\"><caption>Syscalls (wall time inside each call, not CPU time)</caption>"
           "<tr><th>% time</th><th>seconds</th><th>µs/call</th><th>calls</th><th>errors</th><th>syscall</th></tr>\n";
    for (const SyscallTotals& r : rows)
        out << "<tr><td class=\"num\">" << html_escape(percent(double(r.time_ns), double(total_ns)))
            << "</td><td class=\"num\">" << fixed(double(r.time_ns) / 1e9, 6) << "</td><td class=\"num\">"
            << usecs_per_call(r) << "</td><td class=\"num\">"
            << with_commas(r.calls) << "</td><td class=\"num\">" << (r.errors ? with_commas(r.errors) : "")
            << "</td><td><code>" << syscall_name(r.syscall) << "</code></td></tr>\n";
    out << "</table>\n";
    if (!log.ticks_calibrated)
        out << "<p class=\"note\">Times unknown: the log has no end record to calibrate the clock.</p>\n";
    else if (untimed > 0)
        out << "<p class=\"note\">Time in calls " << html_escape(sample_note(total_calls, untimed)) << "; every call is counted.</p>\n";
}

void write_histogram(const FileTotals& t, std::ostream& out) {
    uint64_t most = *std::max_element(t.histogram, t.histogram + shimlog::kSizeBuckets);
    double slot = kWidth / shimlog::kSizeBuckets;
    out << "<svg class=\"histogram\" viewBox=\"0 0 " << kWidth << " " << kHeight
        << "\" role=\"img\" aria-label=\"calls by size\">";
    out << "<line class=\"axis\" x1=\"0\" x2=\"" << kWidth << "\" y1=\"" << kBase << "\" y2=\"" << kBase << "\"/>";
    for (unsigned b = 0; b < shimlog::kSizeBuckets; ++b) {
        uint64_t n = t.histogram[b];
        double h = most > 0 ? (kBase - kBarTop) * double(n) / double(most) : 0;
        if (n > 0) h = std::max(h, 1.5);  // a bucket with calls never looks empty
        double x = slot * b + slot * 0.15, w = slot * 0.7, cx = slot * b + slot / 2;
        out << "<g><title>" << html_escape(kBucketNames[b]) << ": " << with_commas(n) << " calls ("
            << html_escape(percent(double(n), double(t.calls))) << ")</title>";
        out << "<rect class=\"" << (b == 0 ? "bar eof" : "bar") << "\" x=\"" << svg_number(x) << "\" y=\""
            << svg_number(kBase - h) << "\" width=\"" << svg_number(w) << "\" height=\"" << svg_number(h) << "\"/>";
        if (n > 0)
            out << "<text class=\"count\" x=\"" << svg_number(cx) << "\" y=\"" << svg_number(kBase - h - 5)
                << "\" text-anchor=\"middle\">" << with_commas(n) << "</text>";
        out << "<text class=\"tick\" x=\"" << svg_number(cx) << "\" y=\"" << kBase + 18 << "\" text-anchor=\"middle\">"
            << html_escape(kBucketNames[b]) << "</text></g>";
    }
    out << "<text class=\"axis-label\" x=\"" << kWidth / 2 << "\" y=\"" << kHeight - 4
        << "\" text-anchor=\"middle\">bytes moved per call</text></svg>\n";
}

void write_file_card(const Log& log, const FileTotals& t, std::ostream& out) {
    const FileInfo* file = log.file(t.file_id);
    std::string path = file ? file->name()
                            : "(untracked descriptor)";
    std::string kind = file ? file_kind_name(file->kind) : "?";
    double avg = t.calls ? double(t.bytes) / double(t.calls) : 0;
    out << "<div class=\"file-card\"><h4><span class=\"op " << (t.writes ? "write" : "read") << "\">"
        << op_label(t) << "</span> <code title=\"" << html_escape(path) << "\">"
        << html_escape(shorten_left(path, 60)) << "</code> <span class=\"kind\">" << html_escape(kind) << "</span></h4>";
    out << "<p>" << with_commas(t.calls) << " calls, " << html_escape(human_bytes(double(t.bytes))) << ", "
        << html_escape(avg < 1024 ? fixed(avg, 1) + " B" : human_bytes(avg)) << " per call";
    if (t.time_ns > 0)
        out << ", " << html_escape(human_seconds(double(t.time_ns) / 1e9))
            << (t.untimed_calls > 0 ? " in the calls (estimated from a sample of its calls)" : " in the calls");
    if (t.calls > 0) out << ", " << html_escape(percent(double(t.sequential), double(t.calls))) << " sequential";
    out << "</p>\n";
    write_histogram(t, out);
    out << "</div>\n";
}

}  // namespace

void write_html_io(const ReportInput& in, std::ostream& out) {
    out << "<section id=\"io\"><h2>I/O</h2>\n";
    write_syscalls(in.log, in.analysis.syscalls, out);
    const std::vector<FileTotals>& files = in.analysis.files;
    if (!files.empty()) {
        out << "<h3>Request sizes by file</h3><div class=\"file-grid\">\n";
        for (size_t i = 0; i < files.size() && i < in.top; ++i) write_file_card(in.log, files[i], out);
        out << "</div>\n";
        if (files.size() > in.top)
            out << "<p class=\"note\">" << files.size() - in.top << " more files (use --top).</p>\n";
    }
    out << "</section>\n";
}

}  // namespace analyzer
