// The run's one time axis: nanoseconds since the process started. Samples are
// CLOCK_MONOTONIC ns; thread records are timestamp-counter ticks, which map
// onto it only when the log's clock was calibrated (it has an End record).
#pragma once
#include <cstdint>

#include "model.h"

namespace analyzer {

inline double run_ns_from_monotonic(const Log& log, uint64_t ns) {
    return double(ns) - double(log.process.start_ns);
}

// Negative ticks (before the recorded start) clamp to 0.
inline double run_ns_from_ticks(const Log& log, uint64_t ticks) {
    double ns = (double(ticks) - double(log.process.start_ticks)) * log.ns_per_tick;
    return ns > 0 ? ns : 0;
}

inline double ns_from_tick_span(const Log& log, uint64_t ticks) { return double(ticks) * log.ns_per_tick; }

// A thread's life on this axis; the main thread lives from the start.
inline double thread_start_ns(const Log& log, const ThreadInfo& t) {
    return t.is_main ? 0 : run_ns_from_ticks(log, t.start_ticks);
}
inline double thread_end_ns(const Log& log, const ThreadInfo& t) {
    double start = thread_start_ns(log, t), end = run_ns_from_ticks(log, t.end_ticks);
    return end > start ? end : start;
}

// The run's wall time: to the End record, else to the last sample seen.
inline double run_wall_ns(const Log& log) {
    if (log.duration_ns() > 0) return double(log.duration_ns());
    if (!log.samples.ticks.empty()) return run_ns_from_monotonic(log, log.samples.ticks.back().end_ns);
    return 0;
}

}  // namespace analyzer
