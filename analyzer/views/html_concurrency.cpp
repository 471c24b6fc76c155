// The HTML report's concurrency section: P(t) over the run with the serial
// and idle phases shaded, and below it, on the same time axis, one lane per
// thread (timeline_layout.h decides which threads share lanes).
#include <algorithm>
#include <cmath>
#include <map>

#include "../model/time_axis.h"
#include "../symbols/thread_names.h"
#include "../analysis/threads_summary.h"
#include "../analysis/timeline_layout.h"
#include "../analysis/thread_time_text.h"
#include "concurrency_waits.h"
#include "../text/format.h"
#include "html_parts.h"

namespace analyzer {
namespace {

// Both charts share these so their time axes line up.
constexpr double kWidth = 1000, kLeft = 190, kRight = 12;
constexpr double kChartHeight = 200, kTop = 10, kAxis = 26;
constexpr double kLaneHeight = 16;
constexpr size_t kMaxLanes = 40;
const char* const kGroupColours[] = {"#4e79a7", "#59a14f", "#9c755f", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7"};

struct TimeAxis {
    double run_ns;
    double x(double ns) const { return kLeft + (kWidth - kLeft - kRight) * std::max(0.0, ns) / run_ns; }
};

// A round tick step giving about five ticks: 1, 2 or 5 times a power of ten.
double tick_step(double span) {
    double raw = span / 5, power = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0})
        if (m * power >= raw) return m * power;
    return 10 * power;
}

// Vertical grid lines (drawn first, under the data) or the labels under them.
void write_time_ticks(const TimeAxis& axis, double top, double bottom, bool labels, std::ostream& out) {
    double step = tick_step(axis.run_ns);
    for (double t = 0; t <= axis.run_ns * 1.0001; t += step) {
        std::string x = svg_number(axis.x(t));
        bool at_edge = axis.x(t) > kWidth - kRight - 20;  // keep the last label inside the chart
        if (labels)
            out << "<text class=\"tick\" x=\"" << x << "\" y=\"" << svg_number(bottom + 16) << "\" text-anchor=\""
                << (at_edge ? "end" : "middle") << "\">"
                << html_escape(human_seconds(t / 1e9)) << "</text>";
        else
            out << "<line class=\"grid\" x1=\"" << x << "\" x2=\"" << x << "\" y1=\"" << svg_number(top) << "\" y2=\""
                << svg_number(bottom) << "\"/>";
    }
    out << "\n";
}

void write_phase_band(const TimeAxis& axis, const Phase& p, const char* cls, const std::string& what, double bottom,
                      std::ostream& out) {
    out << "<rect class=\"" << cls << "\" x=\"" << svg_number(axis.x(p.start_ns)) << "\" y=\"" << kTop << "\" width=\""
        << svg_number(std::max(1.0, axis.x(p.end_ns) - axis.x(p.start_ns))) << "\" height=\""
        << svg_number(bottom - kTop) << "\"><title>" << html_escape(what) << " "
        << html_escape(human_seconds(p.start_ns / 1e9) + " - " + human_seconds(p.end_ns / 1e9)) << " ("
        << html_escape(human_seconds(p.length_ns() / 1e9)) << ")</title></rect>\n";
}

std::vector<ParallelismSlice> bars_of(const Concurrency& c, const TimeAxis& axis) {
    const size_t columns = size_t(kWidth - kLeft - kRight);
    if (c.slices.size() <= columns) return c.slices;
    std::vector<double> profile = parallelism_profile(c, columns, axis.run_ns);
    std::vector<ParallelismSlice> bars;
    double width = axis.run_ns / double(columns);
    for (size_t i = 0; i < columns; ++i)
        bars.push_back({double(i) * width, double(i + 1) * width, profile[i] * width});
    return bars;
}

void write_parallelism_chart(const Concurrency& c, const TimeAxis& axis, std::ostream& out) {
    double peak = 1;
    for (const ParallelismSlice& s : c.slices) peak = std::max(peak, s.parallelism());
    double top_level = std::ceil(peak - 1e-9), step = top_level > 8 ? std::ceil(top_level / 8) : 1;
    top_level = std::ceil(top_level / step) * step;
    double bottom = kTop + kChartHeight;
    auto y = [&](double p) { return bottom - kChartHeight * std::min(p, top_level) / top_level; };
    out << "<svg class=\"chart\" viewBox=\"0 0 " << kWidth << " " << bottom + kAxis
        << "\" role=\"img\" aria-label=\"threads on CPU over time\">\n";
    for (const Phase& p : c.serial_phases) write_phase_band(axis, p, "serial", "serial phase", bottom, out);
    for (const Phase& p : c.idle_phases) write_phase_band(axis, p, "idle", "idle phase", bottom, out);
    for (double level = 0; level <= top_level; level += step)
        out << "<line class=\"grid\" x1=\"" << kLeft << "\" x2=\"" << kWidth - kRight << "\" y1=\"" << svg_number(y(level))
            << "\" y2=\"" << svg_number(y(level)) << "\"/><text class=\"tick\" x=\"" << kLeft - 6 << "\" y=\""
            << svg_number(y(level) + 4) << "\" text-anchor=\"end\">" << svg_number(level, 0) << "</text>";
    write_time_ticks(axis, kTop, bottom, false, out);
    out << "<text class=\"axis-label\" x=\"" << kLeft - 30 << "\" y=\"" << svg_number(kTop + kChartHeight / 2)
        << "\" text-anchor=\"end\">threads on CPU</text>\n";
    // One bar per window, or per column of the plot when windows are
    // narrower (a long run); crispEdges keeps neighbours from showing seams.
    out << "<g class=\"p-bars\" shape-rendering=\"crispEdges\">";
    for (const ParallelismSlice& s : bars_of(c, axis)) {
        double x0 = axis.x(s.start_ns), x1 = axis.x(s.end_ns), p = s.parallelism();
        out << "<rect x=\"" << svg_number(x0, 2) << "\" y=\"" << svg_number(y(p)) << "\" width=\""
            << svg_number(std::max(0.5, x1 - x0), 2) << "\" height=\"" << svg_number(bottom - y(p)) << "\"><title>"
            << html_escape(human_seconds(s.start_ns / 1e9)) << ": P = " << fixed(p, 2) << "</title></rect>";
    }
    out << "</g>\n";
    write_time_ticks(axis, kTop, bottom, true, out);
    out << "</svg>\n";
}

void write_summary(const Concurrency& c, std::ostream& out) {
    double f = c.serial_fraction();
    out << "<div class=\"stats\">";
    out << "<div><b>" << fixed(c.average_parallelism(), 2) << "</b><span>average threads on CPU</span></div>";
    out << "<div><b>" << c.peak_level << "</b><span>most at once</span></div>";
    out << "<div><b>" << fixed(f, 2) << "</b><span>serial fraction f</span></div>";
    out << "<div><b>" << (f > 0 ? fixed(c.ceiling_speedup(), 1) + "&times;" : std::string("&infin;"))
        << "</b><span>ceiling speed-up 1/f</span></div>";
    out << "<div><b>" << fixed(amdahl_speedup(f, 4), 2) << "&times;</b><span>Amdahl, 4 cores</span></div>";
    out << "</div>\n<table class=\"levels\"><caption>Wall time by threads on CPU</caption>";
    double most = *std::max_element(c.wall_ns_by_level.begin(), c.wall_ns_by_level.end());
    for (size_t level = 0; level < c.wall_ns_by_level.size(); ++level) {
        double ns = c.wall_ns_by_level[level];
        out << "<tr><th>" << (level == 0 ? std::string("idle") : std::to_string(level)) << "</th><td class=\"num\">"
            << html_escape(human_seconds(ns / 1e9)) << "</td><td class=\"num\">" << html_escape(percent(ns, c.wall_ns))
            << "</td><td class=\"bar-cell\"><span class=\"hbar\" style=\"width:"
            << svg_number(most > 0 ? 100 * ns / most : 0) << "%\"></span></td></tr>";
    }
    out << "</table>\n";
}

std::string thread_tooltip(const Log& log, const ThreadInfo& t, const std::string& label) {
    double start = thread_start_ns(log, t), end = thread_end_ns(log, t);
    return label + " (tid " + std::to_string(t.tid) + "): " + human_seconds(start / 1e9) + " - " +
           human_seconds(end / 1e9) + ", lived " + human_seconds((end - start) / 1e9) + ", " +
           human_seconds(double(t.cpu_ns) / 1e9) + " CPU";
}

// Threads on one lane drawn as one bar when they are under a pixel apart: a
// lane may hold a million short threads, and the page must stay small.
struct LaneSpan {
    double x0 = 0, x1 = 0, start_ns = 0, end_ns = 0;
    size_t first = 0;  // index into Log::threads of the first thread
    uint64_t threads = 0;
};

std::vector<LaneSpan> lane_spans(const Log& log, const std::vector<size_t>& threads, const TimeAxis& axis) {
    std::vector<LaneSpan> spans;
    for (size_t index : threads) {
        const ThreadInfo& t = log.threads[index];
        double start = thread_start_ns(log, t), end = thread_end_ns(log, t);
        double x0 = axis.x(start), x1 = std::max(axis.x(end), x0 + 1);
        if (!spans.empty() && x0 <= spans.back().x1 + 1) {
            LaneSpan& last = spans.back();
            last.x1 = std::max(last.x1, x1);
            last.end_ns = std::max(last.end_ns, end);
            last.threads++;
            continue;
        }
        spans.push_back({x0, x1, start, end, index, 1});
    }
    return spans;
}

void write_thread_lanes(const Log& log, const ThreadsSummary& summary, const TimeAxis& axis, std::ostream& out) {
    // Fewer own tracks than the Perfetto trace: a page has room for a few dozen lanes.
    LayoutOptions options;
    options.own_track_limit = 12;
    options.max_lanes = 12;
    TimelineLayout layout = lay_out_threads(log, summary, options);
    size_t lanes = std::min(layout.tracks.size(), kMaxLanes);
    double height = kTop + double(lanes) * kLaneHeight;
    out << "<svg class=\"chart lanes\" viewBox=\"0 0 " << kWidth << " " << height + kAxis
        << "\" role=\"img\" aria-label=\"threads over time\">\n";
    write_time_ticks(axis, kTop, height, false, out);
    std::map<size_t, size_t> lanes_of_group;  // shared lanes get short numbered names
    for (size_t row = 0; row < lanes; ++row) {
        const TimelineTrack& track = layout.tracks[row];
        const ThreadGroupStats& group = summary.groups[track.group];
        double y = kTop + double(row) * kLaneHeight;
        std::string name = group.is_main ? "main thread"
                           : track.summary
                               ? shorten_text(group.label, 20) + " lane " + std::to_string(++lanes_of_group[track.group])
                               : shorten_text(group.label, 20) + " " + std::to_string(log.threads[track.threads.front()].tid);
        out << "<text class=\"lane-label\" x=\"" << kLeft - 6 << "\" y=\"" << svg_number(y + 12)
            << "\" text-anchor=\"end\"><title>" << html_escape(track.name) << "</title>" << html_escape(name)
            << "</text>";
        const char* colour = group.is_main ? "#e15759" : kGroupColours[track.group % 7];
        for (const LaneSpan& span : lane_spans(log, track.threads, axis)) {
            std::string tip = span.threads == 1 ? thread_tooltip(log, log.threads[span.first], group.label)
                                                : with_commas(span.threads) + " threads of " + group.label + ", " +
                                                      human_seconds(span.start_ns / 1e9) + " - " +
                                                      human_seconds(span.end_ns / 1e9);
            out << "<rect x=\"" << svg_number(span.x0, 2) << "\" y=\"" << svg_number(y + 2) << "\" width=\""
                << svg_number(std::max(1.0, span.x1 - span.x0), 2) << "\" height=\"" << kLaneHeight - 4
                << "\" fill=\"" << colour << "\"><title>" << html_escape(tip) << "</title></rect>";
        }
        out << "\n";
    }
    write_time_ticks(axis, kTop, height, true, out);
    out << "</svg>\n";
    if (layout.tracks.size() > lanes)
        out << "<p class=\"note\">" << layout.tracks.size() - lanes << " more lanes not drawn.</p>\n";
    for (const TimelineGroup& g : layout.summarized)
        out << "<p class=\"note\">" << with_commas(g.summarized) << " threads of "
            << html_escape(summary.groups[g.group].label) << " share the lanes marked \"lane\""
            << (g.undrawn > 0 ? "; " + with_commas(g.undrawn) + " found every lane busy and are not drawn" : "")
            << ".</p>\n";
}

// The kernel's read/write counts by kind of thread: which threads made the
// calls no hook saw.
void write_thread_kernel_io(const ThreadsSummary& s, size_t top, std::ostream& out) {
    if (s.io_state == ThreadIoState::NotAvailable) {
        out << "<p class=\"note\">Read/write syscalls per thread: the kernel's per-thread counts are not available "
               "(CONFIG_TASK_IO_ACCOUNTING).</p>\n";
        return;
    }
    if (s.io_state != ThreadIoState::Known) return;
    auto less = [](uint64_t a, uint64_t b) { return a > b ? a - b : 0; };
    out << "<table class=\"data\"><caption>Read/write syscalls per thread, as the kernel counted them (the shim's "
           "own taken off; "
        << with_commas(s.io_read) << " of " << with_commas(s.threads)
        << " threads read)</caption><tr><th>threads read</th><th>reads</th><th>hooked</th><th>no hook saw</th>"
           "<th>bytes read</th><th>writes</th><th>hooked</th><th>no hook saw</th><th>bytes written</th>"
           "<th>what they ran</th></tr>\n";
    for (size_t i = 0; i < s.groups.size() && i < top; ++i) {
        const ThreadGroupStats& g = s.groups[i];
        if (g.io_read == 0) continue;
        out << "<tr><td class=\"num\">" << with_commas(g.io_read) << "</td>";
        for (const IoDirection* d : {&g.io_reads, &g.io_writes})
            out << "<td class=\"num\">" << with_commas(less(d->kernel_calls, d->own_calls))
                << "</td><td class=\"num\">" << with_commas(d->hooked_calls) << "</td><td class=\"num\">"
                << with_commas(d->unseen_calls) << "</td><td class=\"num\">"
                << html_escape(human_bytes(double(less(d->kernel_bytes, d->own_bytes)))) << "</td>";
        out << "<td>" << html_escape(g.label) << "</td></tr>\n";
    }
    out << "</table>\n";
}

// Each phase, with how each kind of thread spent it, and the waits per
// object over the run; only when the log has wait records.
void write_phase_time(const ReportInput& in, std::ostream& out) {
    const Concurrency& c = in.analysis.concurrency;
    const PhaseThreadTimes& times = in.analysis.phase_times;
    PhaseWaitNames names(in.sites);
    std::string items;
    auto add = [&](const Phase& p, const RangeTime& time, const char* what, uint32_t running) {
        if (!time.known) return;
        items += "<li>" + html_escape(std::string(what) + " " + human_seconds(p.start_ns / 1e9) + "–" +
                                      human_seconds(p.end_ns / 1e9)) + "<ul>";
        std::string itself = running_thread_line(time, running, "the thread that ran", names);
        if (!itself.empty()) items += "<li>" + html_escape(itself) + "</li>";
        for (const std::string& line : other_threads_lines(time, running, names)) items += "<li>" + html_escape(line) + "</li>";
        items += "</ul></li>\n";
    };
    if (c.resolved()) {
        for (size_t i = 0; i < c.serial_phases.size() && i < times.serial.size(); ++i)
            add(c.serial_phases[i], times.serial[i], "Serial phase", c.serial_phases[i].tid);
        for (size_t i = 0; i < c.idle_phases.size() && i < times.idle.size(); ++i)
            add(c.idle_phases[i], times.idle[i], "Idle phase", 0);
    }
    if (!items.empty()) out << "<h3>How the threads spent each phase</h3><ul>\n" << items << "</ul>\n";
    const WaitUtilization& u = in.analysis.wait_utilization;
    if (!u.known || u.objects.empty()) return;
    out << "<h3>Waits by object</h3><p>Wait time over the run, and the part with fewer than " << u.target_level
        << " threads on CPU (the cores idle meanwhile).</p>\n<table><tr><th>object</th><th>kind</th><th>waits</th>"
           "<th>threads</th><th>wait time</th><th>with cores idle</th><th>waited at</th><th>held at</th></tr>\n";
    for (const WaitObjectRow& row : wait_object_rows(u, names, in.top))
        out << "<tr><td>" << html_escape(row.label) << "</td><td>" << html_escape(row.kind) << "</td><td class=\"num\">"
            << with_commas(row.waits) << "</td><td class=\"num\">" << with_commas(row.threads)
            << "</td><td class=\"num\">" << html_escape(human_seconds(row.wait_ns / 1e9)) << "</td><td class=\"num\">"
            << html_escape(human_seconds(row.poor_ns / 1e9)) << "</td><td>" << html_escape(row.site) << "</td><td>"
            << html_escape(row.held_at) << "</td></tr>\n";
    out << "</table>\n";
}

}  // namespace

void write_html_concurrency(const ReportInput& in, std::ostream& out) {
    out << "<section id=\"concurrency\"><h2>Concurrency</h2>\n";
    const Concurrency& c = in.analysis.concurrency;
    if (!c.present || c.slices.empty()) {
        out << "<p class=\"empty\">No samples: the shim's sampler starts with the first pthread_create, and this "
               "program never called it (it ran on one thread).</p></section>\n";
        return;
    }
    TimeAxis axis{std::max({run_wall_ns(in.log), c.slices.back().end_ns, 1.0})};
    out << "<p>Effective parallelism P(t) = process CPU time / wall time, in windows of "
        << html_escape(human_seconds(ConcurrencyOptions{}.window_ns / 1e9))
        << ". <span class=\"swatch serial\"></span>serial phases <span class=\"swatch idle\"></span>idle phases "
           "(hover for details).</p>\n";
    write_parallelism_chart(c, axis, out);
    write_summary(c, out);
    write_phase_time(in, out);
    const ThreadsSummary& threads = in.analysis.threads;
    if (threads.present && threads.times_known) {
        out << "<h3>Threads</h3><p>" << with_commas(threads.threads) << " threads, at most "
            << with_commas(threads.peak_alive) << " alive at once; each bar is one thread's life.</p>\n";
        write_thread_lanes(in.log, threads, axis, out);
    } else if (threads.present) {
        out << "<p class=\"note\">Thread lifetimes unknown: the log has no end record to calibrate the clock.</p>\n";
    }
    if (threads.present) write_thread_kernel_io(threads, in.top, out);
    out << "</section>\n";
}

}  // namespace analyzer
