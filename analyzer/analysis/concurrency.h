// Effective parallelism over time, P(t) = process CPU used / wall time, from
// the shim's sampler (GUIDE §6): the wall-time histogram by threads on CPU,
// the serial fraction with its Amdahl bounds, and the serial and idle phases.
#pragma once
#include <cstdint>
#include <vector>

#include "../model/model.h"

namespace analyzer {

// One sampler interval; times in ns since the process started.
struct ParallelismSlice {
    double start_ns = 0, end_ns = 0;
    double cpu_ns = 0;
    double parallelism() const { return end_ns > start_ns ? cpu_ns / (end_ns - start_ns) : 0; }
};

// Threads on CPU, as a whole number: P rounded to the nearest integer, so
// 0 (idle) is P < 0.5 and 1 is 0.5 <= P < 1.5.
int parallelism_level(double parallelism);

struct Phase {
    double start_ns = 0, end_ns = 0;  // since the process started
    double cpu_ns = 0;                // the process's CPU in it
    // Filled by attribute_phases (phase_attribution.h):
    uint32_t tid = 0;                 // the thread that used the most CPU in it; 0 unknown
    double thread_cpu_ns = 0;         // that thread's CPU in it
    uint32_t threads_alive = 0;       // threads that existed during it, that one included
    double others_cpu_ns = 0;         // the other threads' CPU in it
    double top_other_cpu_ns = 0;      // the busiest other thread's
    double waiting_ns = -1;           // all threads' time runnable but without a CPU; -1 unknown
    double length_ns() const { return end_ns - start_ns; }
};

struct ConcurrencyOptions {
    // A phase must last max(min_phase_floor_ns, min_phase_share x run): at
    // least one window (below: P's resolution) and enough of this run to
    // matter (5% of it), whatever the run's length.
    uint64_t min_phase_floor_ns = 10000000;
    double min_phase_share = 0.05;
    // Readings are merged into windows of at least this much wall time. The
    // process CPU clock counts a thread running on another core only when the
    // kernel updates it (each scheduler tick, 1-10 ms), so single 1 ms
    // readings swing between 0 and 2x the truth; over 10 ms the error is at
    // most a tick per running thread and does not accumulate.
    uint64_t window_ns = 10000000;
};

struct Concurrency {
    bool present = false;  // false: the log has no samples (no thread was created)
    std::vector<ParallelismSlice> slices;  // readings merged into windows (options.window_ns)
    std::vector<double> wall_ns_by_level;  // [0] idle, [k] k threads on CPU
    double wall_ns = 0;        // covered by samples
    double cpu_ns = 0;
    double serial_cpu_ns = 0;  // CPU used while P rounded to at most 1
    int peak_level = 0;        // the most threads on CPU at once (rounded), over two neighbouring windows
    double min_phase_ns = 0;
    std::vector<Phase> serial_phases;  // P rounded == 1 for at least min_phase_ns
    std::vector<Phase> idle_phases;    // P < 0.5 for at least min_phase_ns

    double serial_fraction() const { return cpu_ns > 0 ? serial_cpu_ns / cpu_ns : 0; }
    double average_parallelism() const { return wall_ns > 0 ? cpu_ns / wall_ns : 0; }
    // 1/f: no number of cores makes the program faster than this; infinite when f = 0.
    double ceiling_speedup() const;
    // Enough windows to tell phases apart and to trust f (kMinWindows).
    bool resolved() const { return slices.size() >= kMinWindows; }
    static constexpr size_t kMinWindows = 5;
};

Concurrency analyze_concurrency(const Log& log, const ConcurrencyOptions& options = {});

// Where one thread alone begins and ends, for stretches of at least min_ns
// with exactly one thread alive (Thread records: exact, needs a calibrated
// clock). A thread alone is serial whatever the readings say, so windows and
// phases are cut there rather than blurred across.
std::vector<double> single_thread_edges(const Log& log, double min_ns);

// Amdahl: S(n) = 1 / (f + (1 - f) / n).
double amdahl_speedup(double serial_fraction, double cores);

// Average P in `columns` equal slices of [0, until_ns): CPU in a column over its width.
std::vector<double> parallelism_profile(const Concurrency& c, size_t columns, double until_ns);

}  // namespace analyzer
