// The text report's "Concurrency" section: wall time by threads on CPU (a
// VTune-style histogram), P(t) as a strip chart, the serial fraction with its
// Amdahl bounds, and the serial and idle phases.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "../analysis/thread_time_text.h"
#include "../model/time_axis.h"
#include "../symbols/thread_names.h"
#include "../text/format.h"
#include "concurrency_waits.h"
#include "report.h"
#include "strip_chart.h"

namespace analyzer {
namespace {

constexpr size_t kChartColumns = 60;
constexpr int kMaxChartRows = 8;
constexpr size_t kBarWidth = 40;

std::string level_name(size_t level) { return level == 0 ? "idle" : std::to_string(level); }

void write_histogram(const Concurrency& c, std::ostream& out) {
    out << "  Threads on CPU   wall time   share\n";
    double most = *std::max_element(c.wall_ns_by_level.begin(), c.wall_ns_by_level.end());
    for (size_t level = 0; level < c.wall_ns_by_level.size(); ++level) {
        double ns = c.wall_ns_by_level[level];
        size_t bar = most > 0 ? size_t(std::lround(kBarWidth * ns / most)) : 0;
        std::string blocks;
        for (size_t i = 0; i < bar; ++i) blocks += "█";
        if (bar == 0 && ns > 0) blocks = "▏";
        char line[96];
        snprintf(line, sizeof line, "  %-14s %10s  %6s  ", level_name(level).c_str(),
                 human_seconds(ns / 1e9).c_str(), percent(ns, c.wall_ns).c_str());
        out << line << blocks << "\n";
    }
}

void write_amdahl(const Concurrency& c, std::ostream& out) {
    double f = c.serial_fraction();
    out << "  Serial fraction f = " << fixed(f, 2) << ": " << human_seconds(c.serial_cpu_ns / 1e9) << " of the "
        << human_seconds(c.cpu_ns / 1e9) << " of CPU work ran with at most one thread on CPU (P < 1.5)\n";
    out << "  Average parallelism " << fixed(c.average_parallelism(), 2) << "; ceiling speed-up 1/f = "
        << (f > 0 ? fixed(c.ceiling_speedup(), 1) + "x" : std::string("unbounded")) << "; Amdahl S(n) vs one core:";
    for (int n : {2, 4, 8, 16}) out << " " << n << " cores " << fixed(amdahl_speedup(f, n), 2) << "x" << (n < 16 ? "," : "");
    out << "\n";
}

void write_chart(const Concurrency& c, double run_ns, std::ostream& out) {
    std::vector<double> profile = parallelism_profile(c, kChartColumns, run_ns);
    double top = std::max(1.0, *std::max_element(profile.begin(), profile.end()));
    int rows = int(std::ceil(top - 1e-9));
    double step = 1;
    if (rows > kMaxChartRows) step = std::ceil(top / kMaxChartRows), rows = int(std::ceil(top / step));
    out << "  P(t), threads on CPU over the run (a column is " << human_seconds(run_ns / kChartColumns / 1e9)
        << "; a row is " << fixed(step, 0) << (step == 1 ? " thread" : " threads") << "):\n";
    for (const std::string& line : strip_chart(profile, rows, step, run_ns / 1e9)) out << "    " << line << "\n";
}

void write_phases(const char* title, const std::vector<Phase>& phases, const std::vector<RangeTime>& times,
                  double run_ns, const Log& log, PhaseWaitNames& wait_names, bool serial, std::ostream& out) {
    ThreadNamer& names = wait_names.threads();
    out << "  " << title;
    if (phases.empty()) {
        out << " none\n";
        return;
    }
    out << "\n";
    for (const Phase& p : phases) {
        char line[96];
        snprintf(line, sizeof line, "    %9s–%-9s %9s %6s  ", human_seconds(p.start_ns / 1e9).c_str(),
                 human_seconds(p.end_ns / 1e9).c_str(), human_seconds(p.length_ns() / 1e9).c_str(),
                 percent(p.length_ns(), run_ns).c_str());
        out << line;
        if (serial && p.tid != 0) {
            std::string who = "thread";
            for (const ThreadInfo& t : log.threads)
                if (t.tid == p.tid) who = names.label(t);
            out << who << " (tid " << p.tid << ") " << human_seconds(p.thread_cpu_ns / 1e9) << " CPU";
            if (p.threads_alive > 1) out << ", the others " << human_seconds(p.others_cpu_ns / 1e9);
        } else {
            out << human_seconds(p.cpu_ns / 1e9) << " CPU";
        }
        out << "; " << with_commas(p.threads_alive) << (p.threads_alive == 1 ? " thread" : " threads") << " existed\n";
        // How the threads spent it, when the log has wait records.
        size_t index = size_t(&p - phases.data());
        if (index >= times.size()) continue;
        uint32_t running = serial ? p.tid : 0;
        std::string itself = running_thread_line(times[index], running, "that thread", wait_names);
        if (!itself.empty()) out << "        " << itself << "\n";
        for (const std::string& line : other_threads_lines(times[index], running, wait_names))
            out << "        " << line << "\n";
    }
}

}  // namespace

void write_concurrency_section(const ReportInput& in, std::ostream& out) {
    const Concurrency& c = in.analysis.concurrency;
    if (in.log.threads.empty() && !c.present) return;  // a log from before threads were recorded
    out << "\nConcurrency (P(t) = process CPU time / wall time";
    if (in.log.samples.interval_us > 0)
        out << ", sampled every " << human_seconds(in.log.samples.interval_us / 1e6) << ", in windows of "
            << human_seconds(ConcurrencyOptions{}.window_ns / 1e9);
    out << ")\n";
    if (!c.present) {
        out << "  no samples: the sampler starts with the first pthread_create, and this program never "
               "called it (it ran on one thread)\n";
        return;
    }
    double run_ns = std::max(run_wall_ns(in.log), c.slices.back().end_ns);
    out << "  samples cover " << human_seconds(c.wall_ns / 1e9) << " of the " << human_seconds(run_ns / 1e9)
        << " run; " << human_seconds(c.cpu_ns / 1e9) << " of CPU (the sampler's own excluded)\n";
    write_histogram(c, out);
    if (c.resolved()) {
        write_amdahl(c, out);
    } else {
        out << "  Average parallelism " << fixed(c.average_parallelism(), 2)
            << "; serial fraction and phases not measured: the run spans only " << c.slices.size()
            << (c.slices.size() == 1 ? " window" : " windows") << " (CPU clocks resolve about 10 ms; run it longer)\n";
        PhaseWaitNames wait_names(in.sites);  // the waits themselves are exact, however short the run
        write_concurrency_waits(in.analysis.wait_utilization, wait_names, out);
        return;
    }
    write_chart(c, run_ns, out);
    PhaseWaitNames wait_names(in.sites);
    std::string min = human_seconds(c.min_phase_ns / 1e9);
    write_phases(("Serial phases (one thread on CPU for " + min + " or more):").c_str(), c.serial_phases,
                 in.analysis.phase_times.serial, run_ns, in.log, wait_names, true, out);
    write_phases(("Idle phases (under half a core busy for " + min + " or more; waiting, not serial work):").c_str(),
                 c.idle_phases, in.analysis.phase_times.idle, run_ns, in.log, wait_names, false, out);
    // The phases' breakdown over the whole run: locks, work, joins, and the
    // sampler's readings of what no hook sees (I/O on a named descriptor, sleep).
    RangeTime run = in.analysis.phase_times.run;
    run.ended = run.not_started = 0;  // short-lived threads: not "ended" before a run they lived in
    std::vector<std::string> spent = other_threads_lines(run, 0, wait_names);
    if (!spent.empty()) {
        out << "  How the threads spent the whole run:\n";
        for (const std::string& line : spent) out << "    " << line << "\n";
    }
    write_concurrency_waits(in.analysis.wait_utilization, wait_names, out);
}

}  // namespace analyzer
