// The HTML report's CPU view, its first section when the log has CPU samples:
// totals, the flame graph of CPU time by stack (flame_svg.cpp, inline), and
// the top functions as `go tool pprof -top` lists them.
#include "../analysis/cpu_profile.h"
#include "../text/format.h"
#include "flame.h"
#include "html_parts.h"

namespace analyzer {
namespace {

std::string cpu_seconds(uint64_t ns) { return human_seconds(double(ns) / 1e9); }

void write_summary(const CpuProfileSummary& p, std::ostream& out) {
    out << "<div class=\"stats\">";
    out << "<div><b>" << html_escape(cpu_seconds(p.cpu_ns)) << "</b><span>of CPU, from " << with_commas(p.samples)
        << " samples</span></div>";
    if (p.period_ns > 0)
        out << "<div><b>" << html_escape(fixed(1e9 / double(p.period_ns), 0)) << " Hz</b><span>each thread's CPU sampled every "
            << html_escape(cpu_seconds(p.period_ns)) << "</span></div>";
    out << "</div>\n";
    if (p.dropped > 0)
        out << "<p class=\"warning\">" << with_commas(p.dropped)
            << " samples were lost (a thread's sample buffer was full): shares are of the samples kept.</p>\n";
    if (p.pc_only_total() > 0)
        out << "<p class=\"note\">" << with_commas(p.pc_only_total())
            << " samples have the interrupted function only, no callers: they stand on the graph's bottom row.</p>\n";
    if (p.at_thread_end_samples > 0)
        out << "<p class=\"note\">" << html_escape(cpu_seconds(p.at_thread_end_ns))
            << " is CPU that threads used after their timer's last signal, estimated when they ended: "
               "at their newest sample, or at their start function alone.</p>\n";
}

// Weights are timer expiries, each one period of a thread's CPU.
void write_flame(const ReportInput& in, std::ostream& out) {
    const CpuProfileSummary& p = in.analysis.cpu;
    std::vector<FoldedStack> stacks =
        flame_stacks(in.log, in.analysis.allocs, in.sites.symbols(), FlameWeight::CpuSamples);
    uint64_t period_ns = in.log.cpu.period_ns;
    InlineFlameSvg svg;
    svg.id = "cpu-flame";
    svg.title = "CPU time by stack: " + with_commas(p.samples) + " samples, " + cpu_seconds(p.cpu_ns) + " of CPU";
    svg.amount = [period_ns](uint64_t expiries) { return cpu_seconds(expiries * period_ns) + " of CPU"; };
    out << "<h3>CPU flame graph</h3>\n<p class=\"hint\">Each frame as wide as the CPU time spent in it and in what it "
           "called; callers below, callees above. Hover a frame for its CPU time.</p>\n";
    write_flame_svg(stacks, svg, out);
}

void write_top(const ReportInput& in, std::ostream& out) {
    const CpuProfileSummary& p = in.analysis.cpu;
    out << "<table class=\"data sites\"><caption>Top functions by their own CPU (flat) and with what they called "
           "(cum)</caption><tr><th>flat</th><th>flat%</th><th>cum</th><th>cum%</th><th>function</th></tr>\n";
    size_t shown = 0;
    for (const CpuFunction& f : p.functions) {
        if (f.self_ns == 0 || shown == in.top) break;
        ++shown;
        out << "<tr><td class=\"num\">" << html_escape(cpu_seconds(f.self_ns)) << "</td><td class=\"num\">"
            << html_escape(percent(double(f.self_ns), double(p.cpu_ns))) << "</td><td class=\"num\">"
            << html_escape(cpu_seconds(f.cum_ns)) << "</td><td class=\"num\">"
            << html_escape(percent(double(f.cum_ns), double(p.cpu_ns))) << "</td><td class=\"site-cell\"><code>"
            << html_escape(f.where()) << "</code></td></tr>\n";
    }
    out << "</table>\n";
    size_t with_self = 0;
    for (const CpuFunction& f : p.functions) with_self += f.self_ns > 0;
    if (with_self > shown) out << "<p class=\"note\">" << with_self - shown << " more functions (use --top).</p>\n";
}

}  // namespace

bool html_has_cpu_view(const ReportInput& in) { return in.analysis.cpu.present; }

void write_html_cpu(const ReportInput& in, std::ostream& out) {
    if (!html_has_cpu_view(in)) return;
    const CpuProfileSummary& p = in.analysis.cpu;
    out << "<section id=\"cpu\"><h2>CPU profile</h2>\n";
    if (p.samples == 0) {
        out << "<p class=\"empty\">No samples: no thread ran long enough on a CPU to be sampled.</p></section>\n";
        return;
    }
    write_summary(p, out);
    write_flame(in, out);
    write_top(in, out);
    out << "</section>\n";
}

}  // namespace analyzer
