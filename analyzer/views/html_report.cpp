// The HTML report: one self-contained page (inline CSS, SVG and script, no
// fetches) with the findings on top and the evidence below them; a CPU
// profile, when the log has one, comes first (html_cpu.cpp).
#include <ctime>

#include "../analysis/budget_words.h"
#include "../symbols/name_simplify.h"
#include "../text/format.h"
#include "html_parts.h"

namespace analyzer {
namespace {


std::string program_name(const ProcessInfo& p) {
    std::string exe = p.argv.empty() ? p.exe : p.argv[0];
    size_t slash = exe.rfind('/');
    return slash == std::string::npos ? exe : exe.substr(slash + 1);
}


std::string start_time(const ProcessInfo& p) {
    char when[64] = "";
    time_t secs = static_cast<time_t>(p.start_realtime_ns / 1000000000u);
    struct tm tm_buf;
    if (localtime_r(&secs, &tm_buf) != nullptr) strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm_buf);
    return when;
}

void write_header(const ReportInput& in, std::ostream& out) {
    const Log& log = in.log;
    const AllocReport& allocs = in.analysis.allocs;
    const ProcessInfo& p = log.process;
    out << "<header><h1>Why is <code>" << html_escape(program_name(p)) << "</code> slow?</h1>\n";
    out << "<p class=\"command\"><code>" << html_escape(p.shell_command()) << "</code></p>\n<p class=\"facts\">";
    out << "pid " << p.pid << " &middot; " << html_escape(log.ending());
    if (log.duration_ns() > 0) out << " &middot; " << html_escape(human_seconds(double(log.duration_ns()) / 1e9)) << " wall";
    out << " &middot; started " << html_escape(start_time(p)) << " &middot; log <code>" << html_escape(log.path)
        << "</code></p>\n";
    if (log.partial)
        out << "<p class=\"warning\">The log is partial (" << html_escape(log.partial_reason)
            << "): everything below covers the run up to its last complete record.</p>\n";
    if (log.end.dropped > 0)
        out << "<p class=\"warning\">The shim dropped " << with_commas(log.end.dropped)
            << " events (a table was full, a chunk could not be written, or a raw clone inherited them unwritten): counts are lower bounds.</p>\n";
    if (!allocs.problem.empty())
        out << "<p class=\"warning\">Allocation events could not all be read (" << html_escape(allocs.problem)
            << "): allocation figures are lower bounds.</p>\n";
    for (const auto& note : log.notes)
        out << "<p class=\"note\">Note from the shim: " << html_escape(note.second) << "</p>\n";
    if (log.budget.present) {
        bool reached = log.budget.sampled() || log.budget.stopped();
        out << "<p class=\"" << (reached ? "warning" : "note") << "\">" << "The log had a " << html_escape(budget_summary(log));
        for (const std::string& line : {budget_sampling_consequence(log), budget_stop_consequence(log)})
            if (!line.empty()) out << "; " << html_escape(line);
        out << ".</p>\n";
    }
    out << "<nav>";
    if (html_has_cpu_view(in)) out << "<a href=\"#cpu\">CPU</a>";
    out << "<a href=\"#findings\">Findings</a><a href=\"#concurrency\">Concurrency</a>";
    if (html_has_waits(in)) out << "<a href=\"#waits\">Waits</a>";
    out << "<a href=\"#io\">I/O</a><a href=\"#allocations\">Allocations</a></nav></header>\n";
}

}  // namespace

void write_html_findings(const Log& log, const std::vector<Finding>& findings, std::ostream& out) {
    out << "<section id=\"findings\"><h2>Findings</h2>\n";
    if (findings.empty() && log.end.dropped > 0)
        out << "<p class=\"warning\">None found, but the counts are incomplete: the shim dropped "
            << with_commas(log.end.dropped) << " events, and a rule may have missed what it would have fired on.</p>\n";
    else if (findings.empty())
        out << "<p class=\"empty\">No finding to show: see the measurements below.</p>\n";
    int n = 0;
    for (const Finding& f : findings) {
        out << "<article class=\"finding\"><h3><span class=\"rank\">" << ++n << "</span>" << html_escape(f.title)
            << " <span class=\"kind\">" << html_escape(f.kind) << "</span></h3>\n";
        if (!f.site.empty()) out << "<p class=\"site\">at <code>" << html_escape(simplify_site(f.site)) << "</code></p>\n";
        if (f.stack.size() > 1) {
            out << "<details><summary>call stack (" << f.stack.size() << " frames)</summary><ol class=\"stack\">";
            for (const std::string& frame : f.stack) out << "<li><code>" << html_escape(simplify_site(frame)) << "</code></li>";
            out << "</ol></details>\n";
        }
        if (!f.evidence.empty()) {
            out << "<ul class=\"evidence\">";
            for (const std::string& line : f.evidence) out << "<li>" << html_escape(line) << "</li>";
            out << "</ul>\n";
        }
        if (!f.advice.empty()) out << "<p class=\"advice\"><strong>Fix:</strong> " << html_escape(f.advice) << "</p>\n";
        out << "</article>\n";
    }
    out << "</section>\n";
}

void write_html_report(const ReportInput& in, std::ostream& out) {
    out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           // Nothing may be fetched: a policy that forbids it, so a slip shows as an error.
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
           "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n";
    out << "<title>" << html_escape(program_name(in.log.process)) << " - analyzer report</title>\n";
    out << "<script>" << kHtmlErrorHook << "</script>\n<style>" << kHtmlStyle << "</style></head>\n<body>\n";
    write_header(in, out);
    out << "<main>\n";
    write_html_cpu(in, out);  // first: what the program spent its CPU on, when it was sampled
    write_html_findings(in.log, in.findings, out);
    if (in.findings_left_out > 0)  // cheap count-triggered findings (findings/cost_ranking.h)
        out << "<p class=\"empty\">" << with_commas(in.findings_left_out)
            << (in.findings_left_out == 1 ? " finding" : " findings") << " costing under "
            << html_escape(human_seconds(in.min_cost_ns / 1e9)) << " (--min-cost: " << html_escape(in.min_cost_text)
            << (in.findings_left_out == 1 ? ") is left out; <code>--min-cost 0</code> shows it.</p>\n"
                                          : ") are left out; <code>--min-cost 0</code> shows them.</p>\n");
    write_html_concurrency(in, out);
    write_html_waits(in, out);
    write_html_io(in, out);
    write_html_allocations(in, out);
    out << "</main>\n<footer>Made by <code>analyzer report --format html</code> from a log written by libshim.so. "
           "Counts are exact; times are wall time unless marked CPU.</footer>\n";
    out << "<div id=\"tooltip\" role=\"tooltip\"></div>\n<script>" << kHtmlScript << "</script>\n</body></html>\n";
}

}  // namespace analyzer
