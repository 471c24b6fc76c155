// How each thread spent a time range (analysis/thread_time.h), the phase
// findings' lines about it and the waits by object, on hand-made logs.
#include <catch2/catch.hpp>

#include <algorithm>

#include "../../analyzer/analysis/thread_time.h"
#include "../../analyzer/analysis/wait_utilization.h"
#include "../../analyzer/decode/decode.h"
#include "../../analyzer/findings/rules.h"
#include "../../analyzer/analysis/phase_attribution.h"
#include "../../analyzer/analysis/thread_time_text.h"
#include "../../analyzer/pipeline.h"
#include "thread_fixtures.h"
#include "log_builder.h"
#include "wait_log_builder.h"

using namespace analyzer;
using fixtures::kMs;
using shimlog::WaitKind;

namespace {

constexpr uint64_t kMutex = 0x5000, kCondition = 0x6000;
constexpr uint32_t kHolderStack = 7;

// One core's worth of CPU for a second: thread 2 computes throughout while
// thread 3 waits on `kind` (object `object`) 90 ms of every 100 ms, and the
// main thread (1) is in pthread_join of thread 2. Run-queue readings are all 0.
Log one_works_one_waits(WaitKind kind, uint64_t object) {
    Log log = fixtures::empty_run(1000 * kMs);
    fixtures::add_ticks(log, 0, 1000, 1.0);
    for (uint64_t ms = 10; ms <= 1000; ms += 10) {
        log.samples.thread_cpu.push_back({ms * kMs, 2, ms * kMs * 95 / 100});
        log.samples.thread_cpu.push_back({ms * kMs, 3, ms * kMs * 5 / 100});
        log.samples.thread_cpu.push_back({ms * kMs, 1, 0});
        for (uint32_t tid : {1u, 2u, 3u}) log.samples.thread_wait.push_back({ms * kMs, tid, 0});
    }
    log.threads.push_back(fixtures::thread(2, 0, 1000 * kMs, 950 * kMs));
    log.threads.push_back(fixtures::thread(3, 0, 1000 * kMs, 50 * kMs));
    log.threads.push_back(fixtures::thread(1, 0, 1000 * kMs, 0));
    for (uint64_t k = 0; k < 10; ++k) waitlog::add_wait(log, 3, k * 100 * kMs, 90 * kMs, kind, object);
    waitlog::add_wait(log, 1, 0, 1000 * kMs, WaitKind::Join, 2);
    log.stacks[kHolderStack] = {0x4242};
    if (kind == WaitKind::Mutex) waitlog::add_holder(log, object, kHolderStack, 900 * kMs, 10);
    return log;
}

RangeTime time_in(const Log& log, double start_ns, double end_ns) {
    ThreadCpuTimeline timeline(log);
    return ThreadTimes(timeline).in(start_ns, end_ns);
}

std::vector<Finding> findings_of(const Log& log, const std::string& kind) {
    Symbolizer symbols({});
    CallSites sites(log, symbols);
    Thresholds limits;
    Analysis analysis = analyze_with_limits(log, sites, AllocReport{}, limits);
    std::vector<Finding> out;
    for (Finding& f : find_all({log, analysis, sites, limits}))
        if (f.kind == kind) out.push_back(f);
    return out;
}

bool has_line(const std::vector<std::string>& lines, const std::string& text) {
    return std::any_of(lines.begin(), lines.end(),
                       [&](const std::string& line) { return line.find(text) != std::string::npos; });
}

}  // namespace

TEST_CASE("thread time: a lock's waits are exact, the CPU fills what they leave", "[waits][thread-time]") {
    Log log = one_works_one_waits(WaitKind::Mutex, kMutex);
    RangeTime r = time_in(log, 0, 1000 * kMs);
    REQUIRE(r.known);
    CHECK(r.runnable_known);
    REQUIRE(r.threads.size() == 3);
    const ThreadTime* waiter = r.thread(3);
    REQUIRE(waiter != nullptr);
    CHECK(waiter->alive_ns == Approx(1000 * kMs));
    REQUIRE(waiter->waits.size() == 1);
    CHECK(waiter->waits[0].kind == WaitKind::Mutex);
    CHECK(waiter->waits[0].object == kMutex);
    CHECK(waiter->waits[0].waits == 10);
    CHECK(waiter->waits[0].ns == Approx(900 * kMs));
    CHECK(lock_wait_ns(*waiter) == Approx(900 * kMs));
    CHECK(work_wait_ns(*waiter) == Approx(0).margin(1));
    // Its 50 ms of CPU fit in the 100 ms the waits leave; the rest was off CPU unseen.
    CHECK(waiter->cpu_ns == Approx(50 * kMs));
    CHECK(waiter->runnable_ns == Approx(0).margin(1));
    CHECK(waiter->unseen_ns == Approx(50 * kMs));
    const ThreadTime* worker = r.thread(2);
    REQUIRE(worker != nullptr);
    CHECK(worker->waits.empty());
    CHECK(worker->cpu_ns == Approx(950 * kMs));
    const ThreadTime* main = r.thread(1);
    REQUIRE(main != nullptr);
    CHECK(join_wait_ns(*main) == Approx(1000 * kMs));
    CHECK(main->cpu_ns == Approx(0).margin(1));
}

TEST_CASE("thread time: spinning on a spin lock is a part of the CPU time, not a share beside it", "[waits][thread-time]") {
    // Thread 3 is on CPU half of each 100 ms (its readings), 30 ms of it
    // spinning on a spin lock found held; the other half it is off CPU.
    constexpr uint64_t kSpin = 0x7000;
    Log log = one_works_one_waits(WaitKind::Mutex, kMutex);
    log.waits = Waits{};
    log.waits_recording = WaitsRecording::Recorded;
    for (ThreadCpuReading& r : log.samples.thread_cpu)
        if (r.tid == 3) r.cpu_ns = r.at_ns / 2;
    for (uint64_t k = 0; k < 10; ++k) waitlog::add_wait(log, 3, k * 100 * kMs, 30 * kMs, WaitKind::Spin, kSpin);
    waitlog::add_wait(log, 1, 0, 1000 * kMs, WaitKind::Join, 2);
    RangeTime r = time_in(log, 0, 1000 * kMs);
    REQUIRE(r.known);
    const ThreadTime* spinner = r.thread(3);
    REQUIRE(spinner != nullptr);
    CHECK(spinner->alive_ns == Approx(1000 * kMs));
    CHECK(spinner->waited_ns() == Approx(300 * kMs));
    CHECK(spinner->blocked_ns() == Approx(0).margin(1));
    CHECK(spinner->spin_ns == Approx(300 * kMs));
    CHECK(spinner->cpu_ns == Approx(500 * kMs));  // the readings' CPU, the spinning inside it
    CHECK(spinner->unseen_ns == Approx(500 * kMs));  // not 200 ms: spinning did not take off-CPU time
    CHECK(lock_wait_ns(*spinner) == Approx(0).margin(1));  // blocked on a lock: none
    CHECK(work_wait_ns(*spinner) == Approx(0).margin(1));
    // The shares sum to the time alive.
    CHECK(spinner->cpu_ns + spinner->runnable_ns + spinner->blocked_ns() + spinner->unseen_ns ==
          Approx(spinner->alive_ns));

    Symbolizer symbols({});
    CallSites sites(log, symbols);
    PhaseWaitNames names(sites);
    std::string shares = time_shares(*spinner, names);
    INFO(shares);
    CHECK(shares.find("50.0% on CPU (30.0% spinning on spinlock at 0x7000)") != std::string::npos);
    CHECK(shares.find("50.0% blocked where no hook sees") != std::string::npos);
    CHECK(shares.find(", 30.0% ") == std::string::npos);  // not a share of its own
    // A group of threads sums the spinning too; the serial finding's figures say it as a part of the CPU.
    std::vector<ThreadTimeGroup> groups = group_thread_times(r, 2, names);
    REQUIRE(!groups.empty());
    std::vector<Finding> found = findings_of(log, "serial-phase");
    REQUIRE(found.size() == 1);
    CHECK(found[0].figures.at("others_spin_seconds") == Approx(0.3));
    CHECK(found[0].figures.at("others_on_cpu_seconds") == Approx(0.5).margin(0.001));
    CHECK(found[0].figures.at("others_lock_wait_seconds") == Approx(0).margin(1e-9));
}

TEST_CASE("thread time: waits are clipped to the range, threads outside it counted", "[waits][thread-time]") {
    Log log = one_works_one_waits(WaitKind::Mutex, kMutex);
    log.threads.push_back(fixtures::thread(4, 0, 200 * kMs, 0));    // gone before
    log.threads.push_back(fixtures::thread(5, 900 * kMs, 950 * kMs, 0));  // not yet started
    // 450-650 ms: thread 3's waits 400-490, 500-590 and 600-690 overlap it by 40, 90 and 50 ms.
    RangeTime r = time_in(log, 450 * kMs, 650 * kMs);
    const ThreadTime* waiter = r.thread(3);
    REQUIRE(waiter != nullptr);
    CHECK(waiter->alive_ns == Approx(200 * kMs));
    REQUIRE(waiter->waits.size() == 1);
    CHECK(waiter->waits[0].waits == 3);
    CHECK(waiter->waits[0].ns == Approx(180 * kMs));
    CHECK(waiter->waits[0].longest_ns == Approx(90 * kMs));
    CHECK(r.ended == 1);
    CHECK(r.not_started == 1);
    CHECK(r.thread(4) == nullptr);
    CHECK(r.thread(5) == nullptr);
    // Two stretches merged: each thread's time adds up.
    RangeTime later = time_in(log, 650 * kMs, 750 * kMs);
    merge_range_time(r, later);
    CHECK(r.length_ns == Approx(300 * kMs));
    CHECK(r.thread(3)->alive_ns == Approx(300 * kMs));
    CHECK(r.thread(3)->waits[0].ns == Approx(180 * kMs + 40 * kMs + 50 * kMs));  // 650-690, 700-750
}

TEST_CASE("thread time: without wait records the breakdown is unknown", "[waits][thread-time]") {
    Log log = one_works_one_waits(WaitKind::Mutex, kMutex);
    log.waits = Waits{};
    RangeTime r = time_in(log, 0, 1000 * kMs);
    CHECK_FALSE(r.known);
    CHECK(r.threads.empty());
    Symbolizer symbols({});
    CallSites sites(log, symbols);
    PhaseWaitNames names(sites);
    CHECK(other_threads_lines(r, 2, names).empty());
    CHECK(running_thread_line(r, 2, "it", names).empty());
}

TEST_CASE("serial phase: the others' lock waits named, with the holder, instead of the generic sentence",
          "[waits][thread-time][rules]") {
    std::vector<Finding> found = findings_of(one_works_one_waits(WaitKind::Mutex, kMutex), "serial-phase");
    REQUIRE(found.size() == 1);
    const Finding& f = found[0];
    CHECK(f.figures.at("tid") == 2);
    INFO(f.evidence.size() << " lines; first: " << f.evidence[0]);
    CHECK(has_line(f.evidence, "90.0% waiting on mutex at 0x5000 (held at "));
    CHECK(has_line(f.evidence, "100.0% in pthread_join of "));
    CHECK(has_line(f.evidence, "itself waited on no lock, condition or join"));
    CHECK_FALSE(has_line(f.evidence, "or out of work"));
    CHECK(f.figures.at("others_lock_wait_seconds") == Approx(0.9));
    CHECK(f.figures.at("others_join_wait_seconds") == Approx(1.0));
    CHECK(f.figures.at("thread_waited_seconds") == Approx(0));

    // The same run from an older shim (or SHIM_WAITS=0): the old sentence.
    Log old = one_works_one_waits(WaitKind::Mutex, kMutex);
    old.waits = Waits{};
    std::vector<Finding> before = findings_of(old, "serial-phase");
    REQUIRE(before.size() == 1);
    CHECK(has_line(before[0].evidence, "but blocked (a lock, a join, I/O) or out of work; which, the log cannot say: "
                                       "waits were not recorded (SHIM_WAITS=0, or a shim older than the wait hooks)"));
    CHECK_FALSE(has_line(before[0].evidence, "waiting on"));
    CHECK(before[0].figures.count("others_lock_wait_seconds") == 0);
    old.waits_recording = WaitsRecording::NotRecorded;
    CHECK(has_line(findings_of(old, "serial-phase")[0].evidence, "which, the log cannot say: waits were not recorded (SHIM_WAITS=0)"));
}

TEST_CASE("thread time: waits recorded and none contended is a breakdown, not an unknown", "[waits][thread-time]") {
    // two_then_one without its join's wait record: the note alone says nothing blocked on a hooked object.
    Log log = fixtures::two_then_one();
    CHECK_FALSE(time_in(log, 500 * kMs, 1000 * kMs).known);
    log.waits_recording = WaitsRecording::Recorded;
    RangeTime alone = time_in(log, 500 * kMs, 1000 * kMs);
    REQUIRE(alone.known);
    CHECK(alone.ended == 2);
    REQUIRE(alone.threads.size() == 1);
    CHECK(alone.threads[0].waited_ns() == 0);
    std::vector<Finding> found = findings_of(log, "serial-phase");
    REQUIRE(found.size() == 1);
    CHECK(has_line(found[0].evidence, "the main thread itself waited on no lock, condition or join; it ran alone: "));
    CHECK_FALSE(has_line(found[0].evidence, "not recorded"));
    log.waits_recording = WaitsRecording::NotRecorded;
    CHECK_FALSE(time_in(log, 500 * kMs, 1000 * kMs).known);
}

TEST_CASE("serial phase: idle workers on a condition wait for work, not contention", "[waits][thread-time][rules]") {
    Log log = one_works_one_waits(WaitKind::Condition, kCondition);
    RangeTime r = time_in(log, 0, 1000 * kMs);
    REQUIRE(r.thread(3) != nullptr);
    CHECK(lock_wait_ns(*r.thread(3)) == Approx(0).margin(1));
    CHECK(work_wait_ns(*r.thread(3)) == Approx(900 * kMs));
    std::vector<Finding> found = findings_of(log, "serial-phase");
    REQUIRE(found.size() == 1);
    CHECK(has_line(found[0].evidence, "90.0% waiting for work or an event on condition variable at 0x6000"));
    CHECK_FALSE(has_line(found[0].evidence, "held at"));
    CHECK(found[0].figures.at("others_lock_wait_seconds") == Approx(0));
    CHECK(found[0].figures.at("others_work_wait_seconds") == Approx(0.9));
}

TEST_CASE("serial phase: the thread left alone waited on nothing, the others had ended", "[waits][thread-time][rules]") {
    // Threads 2 and 3 spin 0.5 s while the main thread joins them, then it runs alone.
    // Its join returns 20 ms after thread 2 ended: waking up, not waiting for it.
    Log log = fixtures::two_then_one();
    waitlog::add_wait(log, 1, 0, 520 * kMs, WaitKind::Join, 2);
    RangeTime before = time_in(log, 0, 500 * kMs);
    REQUIRE(before.thread(1) != nullptr);
    CHECK(join_wait_ns(*before.thread(1)) == Approx(500 * kMs));
    RangeTime alone = time_in(log, 500 * kMs, 1000 * kMs);
    CHECK(alone.threads.size() == 1);
    CHECK(alone.ended == 2);
    CHECK(alone.threads[0].waited_ns() == 0);
    std::vector<Finding> found = findings_of(log, "serial-phase");
    REQUIRE(found.size() == 1);
    CHECK(found[0].figures.at("tid") == 1);
    CHECK(has_line(found[0].evidence, "the main thread itself waited on no lock, condition or join; it ran alone: "));
    CHECK(has_line(found[0].evidence, "2 threads had ended: no other thread was alive"));
    CHECK(found[0].figures.at("threads_ended") == 2);
}

TEST_CASE("thread time: waits lost to full buffers make the shares lower bounds", "[waits][thread-time]") {
    Log log = one_works_one_waits(WaitKind::Mutex, kMutex);
    log.waits.dropped_events = 12;
    Symbolizer symbols({});
    CallSites sites(log, symbols);
    PhaseWaitNames names(sites);
    RangeTime r = time_in(log, 0, 1000 * kMs);
    CHECK(r.waits_dropped == 12);
    CHECK(has_line(other_threads_lines(r, 2, names), "12 waits were lost to full buffers"));
    log.waits.dropped_events = 0;
    CHECK_FALSE(has_line(other_threads_lines(time_in(log, 0, 1000 * kMs), 2, names), "lost"));
}

TEST_CASE("threads of one kind are grouped, their times summed", "[waits][thread-time]") {
    Log log = one_works_one_waits(WaitKind::Mutex, kMutex);
    log.threads.push_back(fixtures::thread(4, 0, 1000 * kMs, 0));
    for (uint64_t k = 0; k < 10; ++k) waitlog::add_wait(log, 4, k * 100 * kMs, 50 * kMs, WaitKind::Mutex, kMutex);
    Symbolizer symbols({});
    CallSites sites(log, symbols);
    PhaseWaitNames names(sites);
    std::vector<ThreadTimeGroup> groups = group_thread_times(time_in(log, 0, 1000 * kMs), 2, names);
    REQUIRE(groups.size() == 2);  // threads 3 and 4 (one start routine), and the main thread
    CHECK(groups[0].tids.size() == 2);
    CHECK(groups[0].who.find("2 threads (") == 0);
    CHECK(groups[0].total.alive_ns == Approx(2000 * kMs));
    CHECK(lock_wait_ns(groups[0].total) == Approx(1400 * kMs));
    CHECK(time_shares(groups[0].total, names).find("70.0% waiting on mutex at 0x5000") == 0);
    CHECK(groups[1].is_main);
    CHECK(groups[1].who == "the main thread");
}

TEST_CASE("waits by object: the part while fewer threads than the run's peak were on CPU", "[waits][thread-time]") {
    Log log = fixtures::empty_run(1000 * kMs);
    fixtures::add_ticks(log, 0, 500, 1.0);
    fixtures::add_ticks(log, 500, 500, 2.0);
    log.threads.push_back(fixtures::thread(2, 0, 1000 * kMs, 700 * kMs));
    log.threads.push_back(fixtures::thread(1, 0, 1000 * kMs, 800 * kMs));
    waitlog::add_wait(log, 2, 400 * kMs, 200 * kMs, WaitKind::Mutex, kMutex);  // half while P = 1
    waitlog::add_wait(log, 2, 700 * kMs, 100 * kMs, WaitKind::Condition, kCondition);  // all while P = 2
    Concurrency c = analyze_concurrency(log);
    WaitUtilization u = wait_utilization(log, c);
    REQUIRE(u.known);
    CHECK(u.target_level == 2);
    REQUIRE(u.objects.size() == 2);
    CHECK(u.objects[0].object == kMutex);
    CHECK(u.objects[0].wait_ns == Approx(200 * kMs));
    CHECK(u.objects[0].poor_ns == Approx(100 * kMs).margin(10 * kMs));  // P's windows are 10 ms
    CHECK(u.objects[1].object == kCondition);
    CHECK(u.objects[1].poor_ns == Approx(0).margin(10 * kMs));
    CHECK(u.objects[0].threads == 1);
}

TEST_CASE("thread time from decoded records: a WaitChunk placed on the run's clock", "[waits][thread-time][decode]") {
    testlog::LogBuilder builder;
    builder.process(42, "/bin/prog", "prog");
    shimlog::ThreadRecord main{};
    main.tid = 42, main.is_main = 1, main.start_ticks = 5000, main.end_ticks = 5000 + 10 * kMs;
    shimlog::ThreadRecord worker{};
    worker.tid = 43, worker.start_ticks = 5000 + 1 * kMs, worker.end_ticks = 5000 + 9 * kMs;
    worker.create_stack = 1;
    builder.thread(worker).thread(main);
    builder.wait_chunk(43,
                       {{5000 + 2 * kMs, 3 * kMs, 0, kMutex, WaitKind::Mutex},
                        {5000 + 6 * kMs, 1 * kMs, 0, kCondition, WaitKind::Condition, shimlog::WaitTimedOut}},
                       2);
    builder.wait_chunk(42, {{5000 + 1 * kMs, 8 * kMs, 0, 43, WaitKind::Join}});
    builder.end(1000 + 10 * kMs, 5000 + 10 * kMs, 0);  // one tick per ns
    Log log = decode_log(builder.bytes(), "waits");
    REQUIRE_FALSE(log.partial);
    REQUIRE(log.waits.events.size() == 3);
    CHECK(log.waits.dropped_events == 2);
    RangeTime r = time_in(log, 0, 10 * kMs);
    REQUIRE(r.known);
    CHECK(r.waits_dropped == 2);
    const ThreadTime* w = r.thread(43);
    REQUIRE(w != nullptr);
    CHECK(w->alive_ns == Approx(8 * kMs));
    CHECK(lock_wait_ns(*w) == Approx(3 * kMs));
    CHECK(work_wait_ns(*w) == Approx(1 * kMs));
    REQUIRE(r.thread(42) != nullptr);
    CHECK(join_wait_ns(*r.thread(42)) == Approx(8 * kMs));
    // 4-8 ms: the lock wait's last 1 ms (2-5 ms), the condition wait whole, the join's part.
    RangeTime part = time_in(log, 4 * kMs, 8 * kMs);
    REQUIRE(part.thread(43) != nullptr);
    CHECK(lock_wait_ns(*part.thread(43)) == Approx(1 * kMs));
    CHECK(work_wait_ns(*part.thread(43)) == Approx(1 * kMs));
    CHECK(join_wait_ns(*part.thread(42)) == Approx(4 * kMs));
}

TEST_CASE("thread time: what no hook saw is split by the syscalls the sampler found the thread blocked in",
          "[waits][thread-time]") {
    Log log = one_works_one_waits(WaitKind::Mutex, kMutex);
    for (uint64_t k = 0; k < 10; ++k) {
        // Inside its mutex waits (named already): left out whatever it says.
        log.samples.thread_blocked.push_back({(k * 100 + 50) * kMs, 3, shimlog::BlockedIn::Futex});
        // Outside them: sleeping in the first half second, reading in the second.
        log.samples.thread_blocked.push_back(
            {(k * 100 + 95) * kMs, 3, k < 5 ? shimlog::BlockedIn::Sleep : shimlog::BlockedIn::Io});
    }
    RangeTime r = time_in(log, 0, 1000 * kMs);
    const ThreadTime* waiter = r.thread(3);
    REQUIRE(waiter != nullptr);
    CHECK(waiter->blocked_readings == 10);
    CHECK(waiter->unseen_ns == Approx(50 * kMs));
    CHECK(waiter->unseen_in[size_t(shimlog::BlockedIn::Sleep) - 1] == Approx(25 * kMs));
    CHECK(waiter->unseen_in[size_t(shimlog::BlockedIn::Io) - 1] == Approx(25 * kMs));
    CHECK(waiter->unseen_in[size_t(shimlog::BlockedIn::Futex) - 1] == 0);
    Symbolizer symbols({});
    CallSites sites(log, symbols);
    PhaseWaitNames names(sites);
    std::string shares = time_shares(*waiter, names);
    INFO(shares);
    CHECK(shares.find("sleeping") != std::string::npos);
    CHECK(shares.find("in I/O") != std::string::npos);
    CHECK(shares.find("where no hook sees") == std::string::npos);
    // The second half alone: only the reads.
    RangeTime late = time_in(log, 500 * kMs, 1000 * kMs);
    const ThreadTime* late_waiter = late.thread(3);
    REQUIRE(late_waiter != nullptr);
    CHECK(late_waiter->blocked_readings == 5);
    CHECK(late_waiter->unseen_in[size_t(shimlog::BlockedIn::Io) - 1] == Approx(late_waiter->unseen_ns));
}

TEST_CASE("thread time: I/O readings that name their descriptor are I/O on that file", "[waits][thread-time]") {
    Log log = one_works_one_waits(WaitKind::Mutex, kMutex);
    FileInfo pipe;
    pipe.id = 1, pipe.fd = 5, pipe.path = "pipe:[777]";
    log.files[1] = pipe;
    for (uint64_t k = 0; k < 10; ++k) {
        ThreadBlockedReading r{(k * 100 + 95) * kMs, 3, shimlog::BlockedIn::Io};
        r.fd = k < 6 ? 5 : (k < 8 ? 9 : -1);  // 6 on the pipe, 2 on a descriptor never seen, 2 unnamed
        log.samples.thread_blocked.push_back(r);
    }
    RangeTime r = time_in(log, 0, 1000 * kMs);
    const ThreadTime* waiter = r.thread(3);
    REQUIRE(waiter != nullptr);
    REQUIRE(waiter->io_on.size() == 2);
    CHECK(waiter->io_on[0].first == 5);
    CHECK(waiter->io_on[0].second == Approx(30 * kMs));  // 6 of 10 readings of its 50 ms unseen
    CHECK(waiter->io_on[1].first == 9);
    CHECK(waiter->io_on[1].second == Approx(10 * kMs));
    Symbolizer symbols({});
    CallSites sites(log, symbols);
    PhaseWaitNames names(sites);
    CHECK(names.descriptor(5) == "pipe:[777]");
    CHECK(names.descriptor(9) == "fd 9");
    std::string shares = time_shares(*waiter, names);
    INFO(shares);
    CHECK(shares.find("3.0% in I/O on pipe:[777]") != std::string::npos);
    CHECK(shares.find("1.0% in I/O on fd 9") != std::string::npos);
    // Groups of threads sum their descriptors.
    ThreadTime both = *waiter;
    add_thread_time(both, *waiter);
    REQUIRE(both.io_on.size() == 2);
    CHECK(both.io_on[0].second == Approx(60 * kMs));
}

TEST_CASE("sampler chunks: a descriptor event names the I/O reading before it; an older reader skips it",
          "[thread-time][decode]") {
    testlog::LogBuilder builder;
    builder.process(7, "/bin/prog", std::string("prog\0", 5));
    using Tag = shimlog::SampleTag;
    builder.samples(1000, {{Tag::Tick, 1000000, 0},
                           {Tag::ThreadBlocked, 8, uint64_t(shimlog::BlockedIn::Io)},
                           {Tag::ThreadBlocked, 9, uint64_t(shimlog::BlockedIn::Sleep)},
                           {Tag::ThreadBlockedFd, 8, 4},
                           {Tag::ThreadBlockedFd, 9, 3}});  // not I/O: ignored
    Log log = decode_log(builder.end(2000000, 2000000, 0).bytes(), "t");
    REQUIRE_FALSE(log.partial);
    REQUIRE(log.samples.thread_blocked.size() == 2);
    CHECK(log.samples.thread_blocked[0].fd == 4);
    CHECK(log.samples.thread_blocked[1].fd == -1);
}

TEST_CASE("sampler chunks: blocked-in readings decode, an unknown kind makes the log partial", "[thread-time][decode]") {
    for (uint64_t kind : {uint64_t(shimlog::BlockedIn::Sleep), uint64_t(9)}) {
        testlog::LogBuilder builder;
        builder.process(42, "/bin/prog", "prog");
        builder.samples(1000, {{shimlog::SampleTag::Tick, 10 * kMs, 5 * kMs},
                               {shimlog::SampleTag::ThreadBlocked, 43, kind}});
        builder.end(1000 + 20 * kMs, 5000 + 20 * kMs, 0);
        Log log = decode_log(builder.bytes(), "blocked");
        if (kind == 9) {
            CHECK(log.partial);
            CHECK(log.partial_reason.find("unknown kind 9") != std::string::npos);
            continue;
        }
        REQUIRE_FALSE(log.partial);
        REQUIRE(log.samples.thread_blocked.size() == 1);
        CHECK(log.samples.thread_blocked[0].tid == 43);
        CHECK(log.samples.thread_blocked[0].kind == shimlog::BlockedIn::Sleep);
        CHECK(log.samples.thread_blocked[0].at_ns == 1000 + 10 * kMs);
    }
}
