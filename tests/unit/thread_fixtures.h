// Hand-made thread and sampler data for the concurrency and thread tests:
// model objects on a clock where one tick is one nanosecond.
#pragma once
#include <algorithm>
#include <vector>

#include "../../analyzer/model/model.h"

namespace fixtures {

constexpr uint64_t kMs = 1000000;

// A log of `run_ns` with a calibrated clock (1 ns per tick), started at 0.
inline analyzer::Log empty_run(uint64_t run_ns) {
    analyzer::Log log;
    log.end.present = true;
    log.end.end_ns = run_ns;
    log.end.end_ticks = run_ns;
    log.ticks_calibrated = true;
    log.ns_per_tick = 1.0;
    log.samples.interval_us = 1000;
    return log;
}

// One-ms ticks from `from_ms` for `count` ms, `parallelism` threads' worth of CPU each.
inline void add_ticks(analyzer::Log& log, uint64_t from_ms, uint64_t count, double parallelism) {
    for (uint64_t i = 1; i <= count; ++i)
        log.samples.ticks.push_back({(from_ms + i) * kMs, kMs, uint64_t(parallelism * kMs)});
}

inline analyzer::ThreadInfo thread(uint32_t tid, uint64_t start_ns, uint64_t end_ns, uint64_t cpu_ns,
                                   uint64_t routine = 0x1000, uint64_t create_ns = 0) {
    analyzer::ThreadInfo t;
    t.tid = tid;
    t.is_main = tid == 1;
    t.start_routine = t.is_main ? 0 : routine;
    t.create_ticks = create_ns;
    t.start_ticks = start_ns;
    t.end_ticks = end_ns;
    t.cpu_ns = cpu_ns;
    t.end = t.is_main ? shimlog::ThreadEnd::AliveAtExit : shimlog::ThreadEnd::Returned;
    return t;
}

// The synthetic program: threads 2 and 3 spin 0.5 s, then the main
// thread (1) alone 0.5 s; the sampler reads every thread's CPU each 10 ms.
inline analyzer::Log two_then_one() {
    analyzer::Log log = empty_run(1000 * kMs);
    add_ticks(log, 0, 500, 2.0);
    add_ticks(log, 500, 500, 1.0);
    for (uint64_t ms = 10; ms <= 1000; ms += 10) {
        log.samples.thread_cpu.push_back({ms * kMs, 1, ms > 500 ? (ms - 500) * kMs : 0});
        if (ms <= 500) {
            log.samples.thread_cpu.push_back({ms * kMs, 2, ms * kMs});
            log.samples.thread_cpu.push_back({ms * kMs, 3, ms * kMs});
        }
    }
    log.threads.push_back(thread(2, 0, 500 * kMs, 500 * kMs));
    log.threads.push_back(thread(3, 0, 500 * kMs, 500 * kMs));
    log.threads.push_back(thread(1, 0, 1000 * kMs, 500 * kMs));
    return log;
}

// Threads 2 and 3 busy for 1 s on a machine that gave them one core's worth
// between them (P = 1), then 0.5 s with two cores: each waited for a CPU
// `wait_share` of every first-second millisecond.
inline analyzer::Log two_sharing_one_core(double wait_share) {
    analyzer::Log log = empty_run(1500 * kMs);
    add_ticks(log, 0, 1000, 1.0);
    add_ticks(log, 1000, 500, 2.0);
    for (uint64_t ms = 10; ms <= 1500; ms += 10) {
        uint64_t cpu = ms <= 1000 ? ms * kMs / 2 : 500 * kMs + (ms - 1000) * kMs;
        uint64_t waited = uint64_t(wait_share * double(std::min<uint64_t>(ms, 1000) * kMs));
        for (uint32_t tid : {2u, 3u}) {
            log.samples.thread_cpu.push_back({ms * kMs, tid, cpu});
            log.samples.thread_wait.push_back({ms * kMs, tid, waited});
        }
    }
    log.threads.push_back(thread(2, 0, 1500 * kMs, 1000 * kMs));
    log.threads.push_back(thread(3, 0, 1500 * kMs, 1000 * kMs));
    log.threads.push_back(thread(1, 0, 1500 * kMs, 0));
    return log;
}

}  // namespace fixtures
