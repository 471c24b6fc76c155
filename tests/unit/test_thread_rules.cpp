// The threads summary and the thread findings on hand-made models.
#include <catch2/catch.hpp>

#include "../../analyzer/pipeline.h"
#include "../../analyzer/findings/rules.h"
#include "../../analyzer/analysis/threads_summary.h"
#include "thread_fixtures.h"

using namespace analyzer;
using fixtures::kMs;

namespace {

// `count` threads of one routine, started one after another every `gap_ns`,
// each living `life_ns` after a start-up of `startup_ns`.
Log many_threads(uint64_t count, uint64_t life_ns, uint64_t startup_ns, uint64_t gap_ns) {
    uint64_t run = count * gap_ns + life_ns + startup_ns + kMs;
    Log log = fixtures::empty_run(run);
    for (uint64_t i = 0; i < count; ++i) {
        uint64_t create = i * gap_ns + 1000;
        log.threads.push_back(fixtures::thread(uint32_t(100 + i), create + startup_ns, create + startup_ns + life_ns,
                                               life_ns / 2, 0x2000, create));
    }
    ThreadInfo main = fixtures::thread(1, 0, run, run / 2);
    main.joins = count;
    main.join_wait_ticks = count * life_ns;
    log.threads.push_back(main);
    return log;
}

std::vector<Finding> findings_of(const Log& log, const Thresholds& limits = {}) {
    Symbolizer symbols({});
    CallSites sites(log, symbols);
    Analysis analysis = analyze_with_limits(log, sites, AllocReport{}, limits);
    return find_all({log, analysis, sites, limits});
}

std::vector<Finding> of_kind(const std::vector<Finding>& all, const std::string& kind) {
    std::vector<Finding> out;
    for (const Finding& f : all)
        if (f.kind == kind) out.push_back(f);
    return out;
}

}  // namespace

TEST_CASE("threads summary: counts, peak, lifetimes, start-up, joins", "[threads]") {
    // Each lives 30 us and a new one starts every 10 us: three alive at once.
    Log log = many_threads(100, 30000, 20000, 10000);
    Symbolizer symbols({});
    CallSites sites(log, symbols);
    ThreadNamer names(sites);
    ThreadsSummary s = summarize_threads(log, names);
    REQUIRE(s.present);
    CHECK(s.threads == 101);
    CHECK(s.created == 100);
    CHECK(s.peak_alive == 4);  // three workers and the main thread
    REQUIRE(s.groups.size() == 2);
    const ThreadGroupStats& workers = s.groups[0];
    CHECK(workers.count() == 100);
    CHECK(workers.lifetime_median_ns == Approx(30000));
    CHECK(workers.creation_median_ns == Approx(20000));
    CHECK(workers.creation_known == 100);
    CHECK(workers.ended[0] == 100);
    CHECK(s.groups[1].is_main);
    REQUIRE(s.joiners.size() == 1);
    CHECK(s.joiners[0].tid == 1);
    CHECK(s.joiners[0].joins == 100);
    CHECK(s.joiners[0].wait_ns == Approx(100 * 30000.0));
}

TEST_CASE("threads-too-fine: many threads living about as long as starting one", "[threads][rules]") {
    std::vector<Finding> found = of_kind(findings_of(many_threads(2000, 5000, 20000, 30000)), "threads-too-fine");
    REQUIRE(found.size() == 1);
    CHECK(found[0].figures.at("threads") == 2000);
    CHECK(found[0].figures.at("lifetime_median_seconds") == Approx(5e-6));
    CHECK(found[0].figures.at("creation_median_seconds") == Approx(20e-6));
    CHECK(found[0].cost_ns == 2000 * 20000);
    CHECK(found[0].title.find("2,000 threads") != std::string::npos);
}

TEST_CASE("threads-too-fine: not for long-lived or few threads", "[threads][rules]") {
    // 10 ms each: 500 times the start-up cost, far above 100 us.
    CHECK(of_kind(findings_of(many_threads(2000, 10 * kMs, 20000, 30000)), "threads-too-fine").empty());
    // Short, but fewer than the threshold.
    CHECK(of_kind(findings_of(many_threads(500, 5000, 20000, 30000)), "threads-too-fine").empty());
    Thresholds limits;
    limits.threads_fine_min_count = 100;
    CHECK(of_kind(findings_of(many_threads(500, 5000, 20000, 30000), limits), "threads-too-fine").size() == 1);
}

TEST_CASE("serial-phase finding: time range, thread and Amdahl bound", "[concurrency][rules]") {
    std::vector<Finding> found = of_kind(findings_of(fixtures::two_then_one()), "serial-phase");
    REQUIRE(found.size() == 1);
    const Finding& f = found[0];
    CHECK(f.figures.at("start_seconds") == Approx(0.5));
    CHECK(f.figures.at("end_seconds") == Approx(1.0));
    CHECK(f.figures.at("share_of_run") == Approx(0.5));
    CHECK(f.figures.at("tid") == 1);
    CHECK(f.figures.at("serial_fraction") == Approx(1.0 / 3));
    CHECK(f.figures.at("ceiling_speedup") == Approx(3.0));
    CHECK(f.title.find("main thread") != std::string::npos);
    CHECK(f.cost_ns == 250 * kMs);  // half of 0.5 s saved on the run's 2 cores
}

TEST_CASE("threads ready to run but without a core: cpu-contention, not a serial phase", "[concurrency][rules]") {
    std::vector<Finding> all = findings_of(fixtures::two_sharing_one_core(0.5));
    CHECK(of_kind(all, "serial-phase").empty());
    std::vector<Finding> found = of_kind(all, "cpu-contention");
    REQUIRE(found.size() == 1);
    CHECK(found[0].figures.at("seconds") == Approx(1.0).epsilon(0.02));
    CHECK(found[0].figures.at("waiting_seconds") == Approx(1.0).epsilon(0.05));  // two threads, half of each ms
    CHECK(found[0].cost_ns == 0);
}

TEST_CASE("threads taking turns without waiting for a core: a serial phase that says so", "[concurrency][rules]") {
    std::vector<Finding> all = findings_of(fixtures::two_sharing_one_core(0.0));
    CHECK(of_kind(all, "cpu-contention").empty());
    std::vector<Finding> found = of_kind(all, "serial-phase");
    REQUIRE(found.size() == 1);
    CHECK(found[0].figures.at("waiting_seconds") == Approx(0.0));
    bool says_blocked = false;
    for (const std::string& line : found[0].evidence) says_blocked = says_blocked || line.find("blocked") != std::string::npos;
    CHECK(says_blocked);
}

TEST_CASE("idle-phase finding only when large", "[concurrency][rules]") {
    Log log = fixtures::empty_run(1000 * kMs);
    fixtures::add_ticks(log, 0, 300, 2.0);
    fixtures::add_ticks(log, 300, 400, 0.05);  // 40% of the run waiting
    fixtures::add_ticks(log, 700, 300, 2.0);
    std::vector<Finding> idle = of_kind(findings_of(log), "idle-phase");
    REQUIRE(idle.size() == 1);
    CHECK(idle[0].figures.at("seconds") == Approx(0.4));
    Thresholds limits;
    limits.idle_min_share = 0.5;
    CHECK(of_kind(findings_of(log, limits), "idle-phase").empty());
}

TEST_CASE("one thread alone on a one-core run with no other thread is not a finding", "[concurrency][rules]") {
    Log log = fixtures::empty_run(1000 * kMs);
    fixtures::add_ticks(log, 0, 1000, 1.0);
    log.threads.push_back(fixtures::thread(1, 0, 1000 * kMs, 1000 * kMs));
    CHECK(of_kind(findings_of(log), "serial-phase").empty());
}

TEST_CASE("threads-too-fine: the creating thread's CPU bounds the cost", "[threads][rules]") {
    Log log = many_threads(2000, 5000, 20000, 30000);
    for (ThreadInfo& t : log.threads)
        if (!t.is_main) t.parent_tid = 1;
    log.threads.back().cpu_ns = 10 * kMs;  // the main thread started them all with 10 ms of CPU
    std::vector<Finding> found = of_kind(findings_of(log), "threads-too-fine");
    REQUIRE(found.size() == 1);
    CHECK(found[0].cost_ns == 10 * kMs);  // not 2,000 x 20 us = 40 ms
}

// The sentence that the cores were free only where the waits say so: 0.2 s of
// waiting in a 1 s phase is not "not held back by a busy machine".
TEST_CASE("a serial phase with real waits for a core does not call the machine idle", "[concurrency][rules]") {
    std::vector<Finding> all = findings_of(fixtures::two_sharing_one_core(0.1));
    std::vector<Finding> found = of_kind(all, "serial-phase");
    REQUIRE(found.size() == 1);
    bool says_free = false, says_taken = false;
    for (const std::string& line : found[0].evidence) {
        says_free = says_free || line.find("not held back by a busy machine") != std::string::npos;
        says_taken = says_taken || line.find("the cores were taken for part of it") != std::string::npos;
    }
    CHECK_FALSE(says_free);
    CHECK(says_taken);
}
