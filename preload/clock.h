// Cheap timestamps for the hot path. The CPU's invariant timestamp counter
// costs a few nanoseconds where clock_gettime costs ~20; the analyzer converts
// ticks to time from the (ticks, CLOCK_MONOTONIC) pairs taken at start and end.
#pragma once
#include <cstdint>
#include <ctime>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

namespace shim {

inline uint64_t timespec_ns(const timespec& ts) {
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

// A clock's reading in ns; 0 when the clock cannot be read (a thread's that ended).
inline uint64_t clock_ns(clockid_t clock) {
    timespec ts;
    if (clock_gettime(clock, &ts) != 0) return 0;
    return timespec_ns(ts);
}

inline uint64_t monotonic_ns() { return clock_ns(CLOCK_MONOTONIC); }

inline uint64_t realtime_ns() { return clock_ns(CLOCK_REALTIME); }

inline uint64_t now_ticks() {
#if defined(__x86_64__) || defined(__i386__)
    return __rdtsc();
#else
    return monotonic_ns();
#endif
}

}  // namespace shim
