// The text report's "CPU profile" section: the samples, the CPU they stand
// for, the top functions as `go tool pprof -top` lists them (flat, flat%,
// sum%, cum, cum%), the kinds of thread that spent it, and what the samples
// could not see.
#include <cstdio>

#include "../analysis/cpu_profile.h"
#include "../text/format.h"
#include "report.h"

namespace analyzer {
namespace {

std::string seconds(uint64_t ns) { return human_seconds(double(ns) / 1e9); }

std::string hz(uint64_t period_ns) {
    if (period_ns == 0) return "?";
    return fixed(1e9 / double(period_ns), 0) + " Hz";
}

// Why samples have the interrupted instruction only, when some do.
void write_depth_caveat(const CpuProfileSummary& p, std::ostream& out) {
    if (p.pc_only_total() == 0) return;
    static const char* const why[] = {"", "in the dynamic loader", "in the shim's own unwinder",
                                      "before the unwinder was loaded or during a fork"};
    std::string reasons;
    for (int d = 1; d < 4; ++d)
        if (p.pc_only[d] > 0) reasons += (reasons.empty() ? "" : ", ") + with_commas(p.pc_only[d]) + " " + why[d];
    out << "  " << with_commas(p.pc_only_total()) << " of the samples have the interrupted function only, no callers ("
        << reasons << "): their cum is in that function alone\n";
}

void write_kinds(const CpuProfileSummary& p, size_t top, std::ostream& out) {
    if (p.kinds.size() < 2 && (p.kinds.empty() || p.kinds[0].top_self.empty())) return;
    out << "  By kind of thread (CPU, and where it went by self CPU):\n";
    size_t shown = 0;
    for (const CpuThreadKind& kind : p.kinds) {
        if (shown++ == top) {
            out << "    ... " << p.kinds.size() - top << " more kinds\n";
            break;
        }
        out << "    " << percent(double(kind.cpu_ns), double(p.cpu_ns)) << "  " << kind.label << ": ";
        for (size_t i = 0; i < kind.top_self.size() && i < 3; ++i)
            out << (i ? ", " : "") << p.functions[kind.top_self[i].first].short_name << " "
                << percent(double(kind.top_self[i].second), double(kind.cpu_ns));
        out << "\n";
    }
}

}  // namespace

void write_cpu_section(const ReportInput& in, std::ostream& out) {
    const CpuProfileSummary& p = in.analysis.cpu;
    if (!p.present) return;
    out << "\nCPU profile (" << with_commas(p.samples) << " samples of each thread's CPU at " << hz(p.period_ns)
        << ", standing for " << seconds(p.cpu_ns) << " of CPU)\n";
    if (p.samples == 0) {
        out << "  no samples: no thread ran long enough on a CPU to be sampled\n";
        return;
    }
    out << "        flat  flat%   sum%         cum   cum%\n";
    uint64_t sum = 0;
    size_t shown = 0;
    for (const CpuFunction& f : p.functions) {
        if (f.self_ns == 0) break;
        if (shown++ == in.top) {
            out << "  ... " << p.functions.size() - in.top << " more functions (use --top)\n";
            break;
        }
        sum += f.self_ns;
        char line[128];
        snprintf(line, sizeof line, "  %10s %6.2f%% %6.2f%% %10s %6.2f%%  ", seconds(f.self_ns).c_str(),
                 100 * p.share_of_cpu(f.self_ns), 100 * p.share_of_cpu(sum), seconds(f.cum_ns).c_str(),
                 100 * p.share_of_cpu(f.cum_ns));
        out << line << printable(f.where()) << "\n";
    }
    // The runtime's thread entry points (start_thread, clone3) hold every
    // sample: the cumulative line names the program's own functions.
    std::string cum;
    size_t listed = 0;
    for (size_t i = 0; i < p.by_cum.size() && listed < 6; ++i) {
        const CpuFunction& f = p.functions[p.by_cum[i]];
        if (!f.program || f.cum_ns == 0) continue;
        cum += std::string(listed++ ? ", " : " ") + printable(f.short_name) + " " + percent(double(f.cum_ns), double(p.cpu_ns));
    }
    if (!cum.empty()) out << "  By cumulative CPU (the program's functions):" << cum << "\n";
    write_kinds(p, in.top, out);
    write_depth_caveat(p, out);
    if (p.at_thread_end_samples > 0)
        out << "  " << seconds(p.at_thread_end_ns) << " (" << percent(double(p.at_thread_end_ns), double(p.cpu_ns))
            << ") is CPU that " << with_commas(p.at_thread_end_samples)
            << (p.at_thread_end_samples == 1 ? " thread" : " threads") << " used after their timer's last signal (the kernel checks CPU timers only at its tick): "
               "estimated from their CPU clocks when they ended, at their newest sample or their start function\n";
    if (p.dropped > 0)
        out << "  " << with_commas(p.dropped) << " samples were lost (a thread's sample buffer was full): shares are "
            << "of the samples kept\n";
}

}  // namespace analyzer
