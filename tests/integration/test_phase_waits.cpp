// Issue 15: how the other threads spent each phase, measured from the shim's
// wait records, on real programs. Waits are exact; whether a phase is found
// depends on the machine's load (P(t)), so the breakdown is checked over
// ranges the Thread records fix, and a finding's words only when it exists.
#include <catch2/catch.hpp>

#include <algorithm>

#include "../../analyzer/analysis/phase_attribution.h"
#include "../../analyzer/analysis/thread_time.h"
#include "../../analyzer/analysis/thread_time_text.h"
#include "../../analyzer/model/time_axis.h"
#include "analysis.h"
#include "harness.h"

using namespace harness;
using analyzer::RangeTime;
using analyzer::ThreadTime;

namespace {

std::string mandelbrot(const std::string& args) { return repo_root() + "/workloads/mandelbrot " + args; }

RangeTime time_in(const Analysis& a, double start_ns, double end_ns) {
    analyzer::ThreadCpuTimeline timeline(a.log);
    return analyzer::ThreadTimes(timeline).in(start_ns, end_ns);
}

const analyzer::ThreadInfo* main_thread(const analyzer::Log& log) {
    for (const analyzer::ThreadInfo& t : log.threads)
        if (t.is_main) return &t;
    return nullptr;
}

bool has_line(const std::vector<std::string>& lines, const std::string& text) {
    return std::any_of(lines.begin(), lines.end(),
                       [&](const std::string& line) { return line.find(text) != std::string::npos; });
}

}  // namespace

TEST_CASE("mandelbrot workers: in the encoding the workers had ended and the main thread waited on nothing",
          "[waits][phase-waits][integration]") {
    std::string dir = scratch_dir("phase_waits_workers");
    REQUIRE(run(preload() + mandelbrot("-mode workers -workers 2 -w 2048 -h 2048 -o m.png"), dir).status == 0);
    Analysis a = analyze(dir + "/log.bin");
    REQUIRE(a.log.ticks_calibrated);
    const analyzer::ThreadInfo* main = main_thread(a.log);
    REQUIRE(main != nullptr);
    double workers_end = 0;
    for (const analyzer::ThreadInfo& t : a.log.threads)
        if (!t.is_main) workers_end = std::max(workers_end, analyzer::thread_end_ns(a.log, t));
    // The main thread joined the workers while they ran: its join waits are in the log.
    REQUIRE(a.log.waits.present());
    RangeTime rendering = time_in(a, 0, workers_end);
    REQUIRE(rendering.thread(main->tid) != nullptr);
    CHECK(analyzer::join_wait_ns(*rendering.thread(main->tid)) > 0);
    // From the workers' end to the run's end (the PNG encoding): the main
    // thread alone, in no wait the hooks see (its last join, returning late
    // on a busy machine, counts only until that worker ended).
    RangeTime encoding = time_in(a, workers_end, analyzer::run_wall_ns(a.log));
    REQUIRE(encoding.known);
    CHECK(encoding.ended == 2);
    REQUIRE(encoding.threads.size() == 1);
    const ThreadTime& alone = encoding.threads[0];
    CHECK(alone.tid == main->tid);
    CHECK(alone.waited_ns() < 0.01 * alone.alive_ns);
    // The finding says it, when the run found the encoding as a serial phase of the main thread.
    const analyzer::Finding* f = nullptr;
    for (const analyzer::Finding& found : a.findings)
        if (found.kind == "serial-phase" && found.figures.at("tid") == main->tid) f = &found;
    if (f == nullptr) {
        WARN("no serial phase of the main thread in this run (a busy machine blurs P(t)): only the breakdown checked");
        return;
    }
    INFO(f->title);
    CHECK(has_line(f->evidence, "the main thread itself waited on no lock, condition or join; it ran alone: "));
    CHECK(has_line(f->evidence, "2 threads had ended"));
    CHECK_FALSE(has_line(f->evidence, "or out of work"));
}

TEST_CASE("mandelbrot row: the main thread's joins of running rows appear", "[waits][phase-waits][integration]") {
    std::string dir = scratch_dir("phase_waits_row");
    REQUIRE(run(preload() + mandelbrot("-mode row -w 8192 -h 64 -o m.png"), dir).status == 0);
    Analysis a = analyze(dir + "/log.bin");
    const analyzer::ThreadInfo* main = main_thread(a.log);
    REQUIRE(main != nullptr);
    double joined_ns = 0;
    uint64_t joins = 0;
    for (const analyzer::WaitEvent& e : a.log.waits.events)
        if (e.tid == main->tid && e.kind == shimlog::WaitKind::Join) joined_ns += double(e.length_ns), joins++;
    // 64 threads of an 8192-pixel row each: the main thread's joins find rows still running.
    REQUIRE(joins > 0);
    RangeTime run_time = time_in(a, 0, analyzer::run_wall_ns(a.log));
    const ThreadTime* t = run_time.thread(main->tid);
    REQUIRE(t != nullptr);
    // Each join counts until its row's thread ended (the rest is waking up).
    CHECK(analyzer::join_wait_ns(*t) > 0);
    CHECK(analyzer::join_wait_ns(*t) <= joined_ns);
    analyzer::PhaseWaitNames names(*a.sites);
    // The shares name what took >= 1% of the thread's life. On two busy cores the main thread,
    // competing with the 64 rows it starts, may create the last ones after the first have ended,
    // so its joins can be brief (a clean-clone CI run saw under 1%): named only when they count.
    if (analyzer::join_wait_ns(*t) >= 0.02 * t->alive_ns)
        CHECK(analyzer::time_shares(*t, names).find("in pthread_join of ") != std::string::npos);
    else
        WARN("the main thread's joins took under 2% of its life here: their share not checked");
    // The report's concurrency section lists them as one row of waits.
    Result report = run(analyzer_path() + " report log.bin", dir);
    CHECK(report.status == 0);
    CHECK(report.out.find("pthread_join of " + std::to_string(joins) + " thread") != std::string::npos);
}

TEST_CASE("a condition-variable pool: idle workers wait for work, not on a lock", "[waits][phase-waits][integration]") {
    std::string dir = scratch_dir("phase_waits_condpool");
    Result r = run(preload() + program_path("waits_cases") + " condpool", dir);
    REQUIRE(r.status == 0);
    Analysis a = analyze(dir + "/log.bin");
    RangeTime whole = time_in(a, 0, analyzer::run_wall_ns(a.log));
    REQUIRE(whole.known);
    analyzer::PhaseWaitNames names(*a.sites);
    std::vector<analyzer::ThreadTimeGroup> groups = analyzer::group_thread_times(whole, 0, names);
    const analyzer::ThreadTimeGroup* workers = nullptr;
    for (const analyzer::ThreadTimeGroup& g : groups)
        if (g.who.find("pool_worker") != std::string::npos) workers = &g;
    REQUIRE(workers != nullptr);
    CHECK(workers->tids.size() == 4);
    double work = analyzer::work_wait_ns(workers->total), lock = analyzer::lock_wait_ns(workers->total);
    INFO("condition waits " << work / 1e6 << " ms, lock waits " << lock / 1e6 << " ms");
    CHECK(work > 0);
    CHECK(work > lock);  // the re-lock inside pthread_cond_wait is part of the condition wait
    std::string shares = analyzer::time_shares(workers->total, names);
    INFO(shares);
    CHECK(shares.find("waiting for work or an event on pool_cond in waits_cases.c") != std::string::npos);
}

TEST_CASE("wordfreq locked: the breakdown names counts_mutex and where it was held", "[waits][phase-waits][integration]") {
    std::string dir = scratch_dir("phase_waits_wordfreq");
    std::string command = repo_root() + "/workloads/wordfreq --mode locked -t 4 " + book_path();
    REQUIRE(run(preload() + command, dir).status == 0);
    Analysis a = analyze(dir + "/log.bin");
    const analyzer::WaitUtilization& u = a.run->analysis.wait_utilization;
    REQUIRE(u.known);
    analyzer::PhaseWaitNames names(*a.sites);
    bool named = false;
    for (const analyzer::ObjectWaitTime& o : u.objects)
        if (o.kind == shimlog::WaitKind::Mutex) {
            std::string label = names.object(o.kind, o.object);
            named = named || label == "counts_mutex in wordfreq.cpp";
            if (label == "counts_mutex in wordfreq.cpp") CHECK(names.held_at(o.object).find("wordfreq.cpp:") != std::string::npos);
        }
    CHECK(named);
    // The report says it in the concurrency section (and in any phase the run had).
    Result report = run(analyzer_path() + " report log.bin", dir);
    CHECK(report.status == 0);
    CHECK(report.out.find("counts_mutex in wordfreq.cpp (mutex, held at ") != std::string::npos);
}

// Time no wait hook sees: the sampler reads what each blocked thread is in
// (/proc/self/task/TID/syscall), so the main thread's lone stretch says the
// others were sleeping and reading, not just "blocked where no hook sees".
TEST_CASE("blocked_elsewhere: a sleeping thread and a reading thread, told apart by the sampler",
          "[waits][phase-waits][integration]") {
    std::string dir = scratch_dir("phase_blocked_elsewhere");
    REQUIRE(run(preload() + program_path("blocked_elsewhere") + " > out.txt", dir).status == 0);
    Analysis a = analyze(dir + "/log.bin");
    REQUIRE(a.log.ticks_calibrated);
    if (!a.log.waits.present()) {
        WARN("the main thread's work outlasted the sleeper (a busy machine): no join waited, the breakdown is unknown");
        return;
    }
    REQUIRE_FALSE(a.log.samples.thread_blocked.empty());
    const analyzer::ThreadInfo* main = main_thread(a.log);
    REQUIRE(main != nullptr);
    double started = 0;  // both helpers running
    for (const analyzer::ThreadInfo& t : a.log.threads)
        if (!t.is_main) started = std::max(started, analyzer::thread_start_ns(a.log, t));
    RangeTime r = time_in(a, started + 50e6, started + 450e6);
    REQUIRE(r.known);
    size_t sleep = size_t(shimlog::BlockedIn::Sleep) - 1, io = size_t(shimlog::BlockedIn::Io) - 1;
    int checked = 0;
    for (const ThreadTime& t : r.threads) {
        if (t.tid == main->tid) continue;
        INFO("tid " << t.tid << ": " << t.blocked_readings << " readings, unseen " << t.unseen_ns / 1e6 << " ms");
        REQUIRE(t.blocked_readings > 0);
        // Which helper it is: its start routine's name is not needed, the split says it.
        bool sleeper = t.unseen_in[sleep] > t.unseen_in[io];
        CHECK((sleeper ? t.unseen_in[sleep] : t.unseen_in[io]) >= 0.9 * t.unseen_ns);
        CHECK(t.unseen_ns >= 0.5 * t.alive_ns);
        checked += sleeper ? 1 : 2;
        if (sleeper) {
            CHECK(t.io_on.empty());
        } else {
            // Its read names its descriptor: the pipe, as the File record has it.
            REQUIRE(t.io_on.size() == 1);
            CHECK(t.io_on[0].second == Approx(t.unseen_in[io]));
            analyzer::PhaseWaitNames names(*a.sites);
            CHECK(names.descriptor(t.io_on[0].first).rfind("pipe:[", 0) == 0);
        }
    }
    CHECK(checked == 3);  // one sleeper, one reader
    // The concurrency section's whole-run breakdown says the same.
    Result text = run(analyzer_path() + " report log.bin", dir);
    INFO(text.out);
    CHECK(text.out.find("  How the threads spent the whole run:\n") != std::string::npos);
    CHECK(text.out.find("% in I/O on pipe:[") != std::string::npos);
}
