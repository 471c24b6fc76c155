// P(t), the serial fraction, the histogram and phase detection on
// hand-made sampler data.
#include <catch2/catch.hpp>

#include "../../analyzer/analysis/concurrency.h"
#include "../../analyzer/analysis/phase_attribution.h"
#include "thread_fixtures.h"

using namespace analyzer;
using fixtures::kMs;

TEST_CASE("two threads then one: serial fraction one third", "[concurrency]") {
    Concurrency c = analyze_concurrency(fixtures::two_then_one());
    REQUIRE(c.present);
    // 1.5 s of CPU, of which the last 0.5 s ran alone: f = 0.5 / 1.5.
    CHECK(c.cpu_ns == Approx(1.5e9));
    CHECK(c.serial_fraction() == Approx(1.0 / 3));
    CHECK(c.ceiling_speedup() == Approx(3.0));
    CHECK(amdahl_speedup(c.serial_fraction(), 2) == Approx(1.5));
    CHECK(amdahl_speedup(c.serial_fraction(), 16) == Approx(1.0 / (1.0 / 3 + 2.0 / 3 / 16)));
    CHECK(c.average_parallelism() == Approx(1.5));
    CHECK(c.peak_level == 2);
}

TEST_CASE("histogram buckets wall time by rounded threads on CPU", "[concurrency]") {
    Log log = fixtures::empty_run(1000 * kMs);
    fixtures::add_ticks(log, 0, 100, 0.2);   // idle
    fixtures::add_ticks(log, 100, 300, 1.4); // rounds to 1
    fixtures::add_ticks(log, 400, 600, 1.6); // rounds to 2
    Concurrency c = analyze_concurrency(log);
    REQUIRE(c.wall_ns_by_level.size() == 3);
    CHECK(c.wall_ns_by_level[0] == Approx(100e6));
    CHECK(c.wall_ns_by_level[1] == Approx(300e6));
    CHECK(c.wall_ns_by_level[2] == Approx(600e6));
    CHECK(c.wall_ns == Approx(1e9));
    // Serial work: the idle and the one-thread intervals' CPU.
    CHECK(c.serial_cpu_ns == Approx(100 * kMs * 0.2 + 300 * kMs * 1.4));
    CHECK(parallelism_level(0.49) == 0);
    CHECK(parallelism_level(0.5) == 1);
    CHECK(parallelism_level(1.49) == 1);
    CHECK(parallelism_level(1.5) == 2);
}

TEST_CASE("serial phase found and attributed to the thread that ran", "[concurrency]") {
    Concurrency c = analyze_concurrency(fixtures::two_then_one());
    REQUIRE(c.serial_phases.size() == 1);
    CHECK(c.serial_phases[0].start_ns == Approx(500e6));
    CHECK(c.serial_phases[0].end_ns == Approx(1000e6));
    CHECK(c.idle_phases.empty());
    ThreadCpuTimeline timeline(fixtures::two_then_one());
    attribute_phases(timeline, c);
    CHECK(c.serial_phases[0].tid == 1);
    CHECK(c.serial_phases[0].thread_cpu_ns == Approx(500e6).epsilon(0.01));
    CHECK(c.serial_phases[0].threads_alive == 1);  // the workers ended as it began
}

TEST_CASE("phases shorter than the minimum are not reported", "[concurrency]") {
    Log log = fixtures::empty_run(1000 * kMs);
    fixtures::add_ticks(log, 0, 470, 2.0);
    fixtures::add_ticks(log, 470, 30, 1.0);  // 30 ms alone
    fixtures::add_ticks(log, 500, 500, 2.0);
    // Default minimum: max(10 ms, 5% of 1 s) = 50 ms.
    CHECK(analyze_concurrency(log).serial_phases.empty());
    ConcurrencyOptions options;
    options.min_phase_share = 0.02;  // max(10 ms, 20 ms)
    Concurrency c = analyze_concurrency(log, options);
    REQUIRE(c.serial_phases.size() == 1);
    CHECK(c.serial_phases[0].length_ns() == Approx(30e6));
    CHECK(c.min_phase_ns == Approx(20e6));
}

TEST_CASE("short interruptions are bridged, long ones split a phase", "[concurrency]") {
    Log log = fixtures::empty_run(1000 * kMs);
    fixtures::add_ticks(log, 0, 200, 1.0);
    fixtures::add_ticks(log, 200, 3, 2.0);    // 3 ms blip: bridged
    fixtures::add_ticks(log, 203, 197, 1.0);
    fixtures::add_ticks(log, 400, 100, 0.1);  // 100 ms idle: splits, and is an idle phase
    fixtures::add_ticks(log, 500, 500, 1.0);
    Concurrency c = analyze_concurrency(log);
    REQUIRE(c.serial_phases.size() == 2);
    CHECK(c.serial_phases[0].start_ns == Approx(0));
    CHECK(c.serial_phases[0].end_ns == Approx(400e6));
    CHECK(c.serial_phases[1].start_ns == Approx(500e6));
    REQUIRE(c.idle_phases.size() == 1);
    CHECK(c.idle_phases[0].length_ns() == Approx(100e6));
}

TEST_CASE("no samples: no concurrency data", "[concurrency]") {
    Concurrency c = analyze_concurrency(fixtures::empty_run(1000 * kMs));
    CHECK_FALSE(c.present);
    CHECK(c.serial_phases.empty());
}

TEST_CASE("the P(t) profile averages slices into columns", "[concurrency]") {
    Concurrency c = analyze_concurrency(fixtures::two_then_one());
    std::vector<double> profile = parallelism_profile(c, 4, 1e9);
    REQUIRE(profile.size() == 4);
    CHECK(profile[0] == Approx(2.0));
    CHECK(profile[1] == Approx(2.0));
    CHECK(profile[2] == Approx(1.0));
    CHECK(profile[3] == Approx(1.0));
}

TEST_CASE("readings that swing with the kernel's tick are averaged over windows", "[concurrency]") {
    // One thread busy for 1 s, but its CPU reaches the process clock in 4 ms
    // lumps: readings of 0, 0, 0 and 4 threads' worth.
    Log log = fixtures::empty_run(1000 * kMs);
    for (uint64_t ms = 0; ms < 1000; ms += 4) {
        fixtures::add_ticks(log, ms, 3, 0.0);
        fixtures::add_ticks(log, ms + 3, 1, 4.0);
    }
    Concurrency c = analyze_concurrency(log);
    CHECK(c.serial_fraction() > 0.95);
    CHECK(c.wall_ns_by_level.size() <= 3);
    CHECK(c.wall_ns_by_level[1] > 0.75 * c.wall_ns);
    REQUIRE(c.serial_phases.size() == 1);
    CHECK(c.serial_phases[0].length_ns() > 990e6);
    CHECK(c.idle_phases.empty());
}

TEST_CASE("a serial phase splits where the threads doing its work change", "[concurrency]") {
    // Two workers share one core for 0.5 s (a busy machine), then the main
    // thread works alone for 0.5 s: P is 1 throughout, but these are two phases.
    Log log = fixtures::empty_run(1000 * kMs);
    fixtures::add_ticks(log, 0, 1000, 1.0);
    for (uint64_t ms = 10; ms <= 1000; ms += 10) {
        log.samples.thread_cpu.push_back({ms * kMs, 1, ms > 500 ? (ms - 500) * kMs : 0});
        if (ms <= 500) {
            log.samples.thread_cpu.push_back({ms * kMs, 2, ms * kMs / 2});
            log.samples.thread_cpu.push_back({ms * kMs, 3, ms * kMs / 2});
        }
    }
    log.threads.push_back(fixtures::thread(2, 0, 500 * kMs, 250 * kMs));
    log.threads.push_back(fixtures::thread(3, 0, 500 * kMs, 250 * kMs));
    log.threads.push_back(fixtures::thread(1, 0, 1000 * kMs, 500 * kMs));
    Concurrency c = analyze_concurrency(log);
    REQUIRE(c.serial_phases.size() == 1);
    attribute_phases(ThreadCpuTimeline(log), c);
    REQUIRE(c.serial_phases.size() == 2);
    CHECK(c.serial_phases[0].end_ns == Approx(500e6));
    CHECK((c.serial_phases[0].tid == 2 || c.serial_phases[0].tid == 3));
    CHECK(c.serial_phases[0].thread_cpu_ns == Approx(250e6).epsilon(0.02));
    CHECK(c.serial_phases[0].others_cpu_ns == Approx(250e6).epsilon(0.02));
    CHECK(c.serial_phases[1].start_ns == Approx(500e6));
    CHECK(c.serial_phases[1].tid == 1);
    CHECK(c.serial_phases[1].cpu_ns == Approx(500e6));
    CHECK(c.serial_phases[1].threads_alive == 1);
}

TEST_CASE("a thread alone after the others end gets windows of its own", "[concurrency]") {
    // Two threads until 145 ms, then the main thread alone for 16 ms: 10 ms
    // windows from 0 would straddle 145 ms and blur the short serial tail.
    Log log = fixtures::empty_run(161 * kMs);
    fixtures::add_ticks(log, 0, 145, 2.0);
    fixtures::add_ticks(log, 145, 16, 1.0);
    log.threads.push_back(fixtures::thread(2, 0, 145 * kMs, 145 * kMs));
    log.threads.push_back(fixtures::thread(1, 0, 161 * kMs, 16 * kMs));
    Concurrency c = analyze_concurrency(log);
    REQUIRE(c.serial_phases.size() == 1);
    CHECK(c.serial_phases[0].start_ns == Approx(145e6));
    CHECK(c.serial_phases[0].end_ns == Approx(161e6));
    CHECK(c.serial_fraction() == Approx(16.0 / (290 + 16)));
}
