#include "concurrency.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "../model/time_axis.h"

namespace analyzer {
namespace {

// Levels above this share the last histogram bucket: a corrupt reading must
// not size a vector.
constexpr int kMaxLevel = 1024;
// A phase survives interruptions this short (a page fault, a blocking write,
// one late sampler wake-up): 5 samples at the default 1 ms interval.
constexpr double kBridgeNs = 5e6;

std::vector<ParallelismSlice> slices_of(const Log& log) {
    std::vector<ParallelismSlice> slices;
    slices.reserve(log.samples.ticks.size());
    for (const SampleTick& tick : log.samples.ticks) {
        if (tick.dt_ns == 0) continue;
        ParallelismSlice s;
        s.end_ns = run_ns_from_monotonic(log, tick.end_ns);
        s.start_ns = s.end_ns - double(tick.dt_ns);
        s.cpu_ns = double(tick.cpu_ns);
        slices.push_back(s);
    }
    // Chunks come in time order; sorting guards against one that does not.
    std::stable_sort(slices.begin(), slices.end(),
                     [](const ParallelismSlice& a, const ParallelismSlice& b) { return a.end_ns < b.end_ns; });
    return slices;
}


// Consecutive readings merged until each window spans at least window_ns; a
// gap in the readings, or an edge (a reading belongs to the side its middle
// is on), closes a window early.
std::vector<ParallelismSlice> merge_windows(const std::vector<ParallelismSlice>& readings, double window_ns,
                                            const std::vector<double>& edges) {
    std::vector<ParallelismSlice> windows;
    size_t side = 0, window_side = 0;
    for (const ParallelismSlice& r : readings) {
        double middle = (r.start_ns + r.end_ns) / 2;
        while (side < edges.size() && edges[side] <= middle) ++side;
        bool extend = !windows.empty() && side == window_side &&
                      windows.back().end_ns - windows.back().start_ns < window_ns &&
                      r.start_ns - windows.back().end_ns < window_ns;
        if (!extend) {
            windows.push_back(r);
            window_side = side;
            continue;
        }
        windows.back().end_ns = r.end_ns;
        windows.back().cpu_ns += r.cpu_ns;
    }
    return windows;
}

// Maximal runs of slices whose level is `wanted` (for idle: 0), bridging
// interruptions up to kBridgeNs, kept when at least min_ns long. A phase
// starts and ends on a wanted slice; bridged slices count in its CPU.
std::vector<Phase> find_phases(const std::vector<ParallelismSlice>& slices, bool idle, double min_ns) {
    std::vector<Phase> phases;
    auto wanted = [idle](const ParallelismSlice& s) {
        int level = parallelism_level(s.parallelism());
        return idle ? level == 0 : level == 1;
    };
    size_t i = 0;
    while (i < slices.size()) {
        if (!wanted(slices[i])) {
            ++i;
            continue;
        }
        size_t first = i, last = i;
        for (size_t j = i + 1; j < slices.size(); ++j) {
            // A hole in the samples, or an interruption, longer than the bridge ends it.
            if (slices[j].start_ns - slices[last].end_ns > kBridgeNs) break;
            if (wanted(slices[j])) last = j;
        }
        Phase p;
        p.start_ns = slices[first].start_ns;
        p.end_ns = slices[last].end_ns;
        for (size_t k = first; k <= last; ++k) p.cpu_ns += slices[k].cpu_ns;
        if (p.length_ns() >= min_ns) phases.push_back(p);
        i = last + 1;
    }
    return phases;
}

}  // namespace

std::vector<double> single_thread_edges(const Log& log, double min_ns) {
    std::vector<double> edges;
    if (!log.ticks_calibrated) return edges;
    std::vector<std::pair<double, int>> steps;
    for (const ThreadInfo& t : log.threads) {
        steps.push_back({thread_start_ns(log, t), +1});
        steps.push_back({thread_end_ns(log, t), -1});
    }
    std::sort(steps.begin(), steps.end());
    int alive = 0;
    double alone_since = -1;
    for (const auto& step : steps) {
        int before = alive;
        alive += step.second;
        if (before != 1 && alive == 1) alone_since = step.first;
        if (before == 1 && alive != 1 && alone_since >= 0 && step.first - alone_since >= min_ns) {
            edges.push_back(alone_since);
            edges.push_back(step.first);
        }
    }
    return edges;
}

int parallelism_level(double parallelism) {
    if (!(parallelism >= 0.5)) return 0;  // NaN too
    if (parallelism >= kMaxLevel) return kMaxLevel;
    return int(std::floor(parallelism + 0.5));
}

double Concurrency::ceiling_speedup() const {
    double f = serial_fraction();
    return f > 0 ? 1.0 / f : std::numeric_limits<double>::infinity();
}

double amdahl_speedup(double serial_fraction, double cores) {
    if (cores <= 0) return 0;
    return 1.0 / (serial_fraction + (1.0 - serial_fraction) / cores);
}

// The most threads on CPU at once, over two neighbouring windows: a window
// whose clock reading caught a scheduler tick of CPU that belongs to its
// neighbour reads up to a tick per running thread too high (two threads
// sharing one core read P = 2 now and then), and the neighbour as much too
// low; the pair's sum is right.
int sustained_peak_level(const std::vector<ParallelismSlice>& slices) {
    if (slices.size() == 1) return parallelism_level(slices[0].parallelism());
    int peak = 0;
    for (size_t i = 0; i + 1 < slices.size(); ++i) {
        double wall = slices[i + 1].end_ns - slices[i].start_ns;
        double cpu = slices[i].cpu_ns + slices[i + 1].cpu_ns;
        if (wall > 0) peak = std::max(peak, parallelism_level(cpu / wall));
    }
    return peak;
}

Concurrency analyze_concurrency(const Log& log, const ConcurrencyOptions& options) {
    Concurrency c;
    c.slices = merge_windows(slices_of(log), double(options.window_ns), single_thread_edges(log, double(options.window_ns)));
    if (c.slices.empty()) return c;
    c.present = true;
    for (const ParallelismSlice& s : c.slices) {
        int level = parallelism_level(s.parallelism());
        if (size_t(level) >= c.wall_ns_by_level.size()) c.wall_ns_by_level.resize(size_t(level) + 1, 0);
        double width = s.end_ns - s.start_ns;
        c.wall_ns_by_level[size_t(level)] += width;
        c.wall_ns += width;
        c.cpu_ns += s.cpu_ns;
        // Serial work is what ran while at most one thread's worth of CPU was
        // busy. P is a 1 ms average, so one thread alone reads 0.9..1.1 and
        // the boundary sits halfway to two threads (the histogram's rounding):
        // P = 1.3 is one thread plus brief help, not two threads.
        if (level <= 1) c.serial_cpu_ns += s.cpu_ns;
    }
    c.peak_level = sustained_peak_level(c.slices);
    c.min_phase_ns = std::max(double(options.min_phase_floor_ns), options.min_phase_share * run_wall_ns(log));
    c.serial_phases = find_phases(c.slices, false, c.min_phase_ns);
    c.idle_phases = find_phases(c.slices, true, c.min_phase_ns);
    return c;
}

std::vector<double> parallelism_profile(const Concurrency& c, size_t columns, double until_ns) {
    std::vector<double> cpu(columns, 0);
    if (columns == 0 || until_ns <= 0) return cpu;
    double width = until_ns / double(columns);
    for (const ParallelismSlice& s : c.slices) {
        double span = s.end_ns - s.start_ns;
        size_t first = size_t(std::max(0.0, s.start_ns) / width);
        for (size_t col = first; col < columns && double(col) * width < s.end_ns; ++col) {
            double lo = std::max(s.start_ns, double(col) * width);
            double hi = std::min(s.end_ns, double(col + 1) * width);
            if (hi > lo) cpu[col] += s.cpu_ns * (hi - lo) / span;
        }
    }
    for (double& v : cpu) v /= width;
    return cpu;
}

}  // namespace analyzer
