// Contended waits from hand-built logs: the wait records decoded (and
// rejected when malformed), the analysis per object (waits.h), the
// lock-contention rule and the views' Waits section.
#include <catch2/catch.hpp>

#include <sstream>

#include "../../analyzer/analysis/wait_objects.h"
#include "../../analyzer/decode/decode.h"
#include "../../analyzer/decode/semaphore_locks.h"
#include "../../analyzer/findings/rules.h"
#include "../../analyzer/pipeline.h"
#include "../../analyzer/views/report.h"
#include "log_builder.h"

using namespace analyzer;
using testlog::LogBuilder;
using Kind = shimlog::WaitKind;

namespace {

constexpr uint64_t kMs = 1000000;  // ticks: the logs below run at one tick per ns
constexpr uint64_t kLock = 0x7000, kRw = 0x7100, kCond = 0x7200;

// pid 7 started at 1000 ns / 5000 ticks (LogBuilder::process); a run of `run_ms`.
LogBuilder started() {
    LogBuilder b;
    b.process(7, "/bin/prog", std::string("prog\0", 5));
    return b;
}
Log ended(LogBuilder& b, uint64_t run_ms = 1000) { return decode_log(b.end(1000 + run_ms * kMs, 5000 + run_ms * kMs, 0).bytes(), "t"); }

// The main thread for the whole run and `workers` threads alive for its first half.
void add_threads(LogBuilder& b, uint32_t workers, uint64_t run_ms = 1000) {
    shimlog::ThreadRecord t{};
    for (uint32_t i = 0; i < workers; ++i) {
        t = shimlog::ThreadRecord{};
        t.tid = 8 + i;
        t.parent_tid = 7;
        t.start_ticks = 5000;
        t.end_ticks = 5000 + run_ms * kMs / 2;
        b.thread(t);
    }
    t = shimlog::ThreadRecord{};
    t.tid = 7;
    t.is_main = 1;
    t.start_ticks = 5000;
    t.end_ticks = 5000 + run_ms * kMs;
    b.thread(t);
}

struct Run {
    Log log;
    Symbolizer symbols{{}};
    CallSites sites{log, symbols};
    Analysis analysis;
    explicit Run(Log l, const Thresholds& limits = {})
        : log(std::move(l)), symbols(log.modules), sites(log, symbols),
          analysis(analyze_with_limits(log, sites, AllocReport{}, limits)) {}
    std::vector<Finding> rule(const Thresholds& limits = {}) {
        return find_lock_contention(RuleInput{log, analysis, sites, limits});
    }
};

const WaitObject* object_at(const WaitsSummary& s, uint64_t address) {
    for (const WaitObject& o : s.objects)
        if (o.object == address) return &o;
    return nullptr;
}

// A contended mutex: two wait sites, one release site; 2 workers + main.
LogBuilder contended_mutex(uint64_t wait_ms) {
    LogBuilder b = started();
    b.stack(1, {0x401001}).stack(2, {0x402002}).stack(3, {0x403003});
    add_threads(b, 2);
    b.wait_site(kLock, Kind::Mutex, 1, 30, wait_ms * kMs * 3 / 4, 5 * kMs, 2);
    b.wait_site(kLock, Kind::Mutex, 2, 10, wait_ms * kMs / 4, 2 * kMs, 1);
    b.lock_holder(kLock, 3, 40, wait_ms * kMs, 20, 40 * kMs, 3 * kMs);
    return b;
}

}  // namespace

TEST_CASE("wait records decode: newest totals per key, ticks to ns, each wait of each thread", "[waits][decode]") {
    LogBuilder b = started();
    b.wait_site(kLock, Kind::Mutex, 1, 3, 300, 200, 2);
    b.wait_site(kLock, Kind::Mutex, 1, 5, 900, 400, 3, 1);  // a checkpoint later: replaces the first
    b.lock_holder(kLock, 2, 4, 800, 2, 100, 60);
    b.wait_chunk(8, {{6000, 100, 1, kLock}, {6500, 50, 1, kCond, Kind::Condition, shimlog::WaitTimedOut}}, 3);
    // 2 ns a tick: 10,000 ns from 5,000 ticks
    Log log = decode_log(b.end(11000, 10000, 0).bytes(), "t");
    REQUIRE_FALSE(log.partial);
    REQUIRE(log.waits.sites.size() == 1);
    const WaitSite& s = log.waits.sites[0];
    CHECK(s.waits == 5);
    CHECK(s.timeouts == 1);
    CHECK(s.wait_ns == 1800);
    CHECK(s.max_ns == 800);
    CHECK(s.threads == 3);
    REQUIRE(log.waits.holders.size() == 1);
    CHECK(log.waits.holders[0].delay_ns == 1600);
    CHECK(log.waits.holders[0].hold_ns == 200);
    REQUIRE(log.waits.events.size() == 2);
    CHECK(log.waits.events[1].start_ticks == 6500);
    CHECK(log.waits.events[1].length_ns == 100);
    CHECK(log.waits.events[1].kind == Kind::Condition);
    CHECK(log.waits.events[1].timed_out);
    CHECK(log.waits.dropped_events == 3);
}

TEST_CASE("a malformed wait record makes the log partial, with the reason", "[waits][decode]") {
    LogBuilder b = started();
    SECTION("a wait site of unknown kind") {
        shimlog::WaitSiteRecord rec{};
        rec.kind = 9;
        b.record(shimlog::RecordType::WaitSite, rec);
        Log log = ended(b);
        CHECK(log.partial);
        CHECK(log.partial_reason.find("wait site: unknown wait kind 9") != std::string::npos);
    }
    SECTION("a wait site with more timeouts than waits") {
        b.wait_site(kLock, Kind::Mutex, 1, 2, 100, 50, 1, 3);
        Log log = ended(b);
        CHECK(log.partial);
        CHECK(log.partial_reason.find("more timeouts than waits") != std::string::npos);
    }
    SECTION("a lock holder with more timed holds than releases") {
        b.lock_holder(kLock, 1, 2, 100, 3, 10, 5);
        Log log = ended(b);
        CHECK(log.partial);
        CHECK(log.partial_reason.find("more timed holds than releases") != std::string::npos);
    }
    SECTION("a wait chunk cut short") {
        std::string raw = LogBuilder::encode_waits(6000, {{6000, 100, 1, kLock}});
        shimlog::WaitChunkRecord rec{};
        rec.tid = 8;
        rec.count = 1;
        rec.first_ticks = 6000;
        raw.resize(raw.size() - 1);  // the flags byte lost
        rec.raw_size = uint32_t(raw.size());
        b.record(shimlog::RecordType::WaitChunk, rec, raw);
        Log log = ended(b);
        CHECK(log.partial);
        CHECK(log.partial_reason.find("wait chunk") != std::string::npos);
    }
}

TEST_CASE("waits: one object per lock, its sites and holders, the most wait first", "[waits][analysis]") {
    LogBuilder b = contended_mutex(200);
    // An rwlock waited for both ways is one object; a condition variable is not a lock.
    b.wait_site(kRw, Kind::RwRead, 1, 4, 3 * kMs, 2 * kMs, 2);
    b.wait_site(kRw, Kind::RwWrite, 2, 2, 7 * kMs, 6 * kMs, 1);
    b.wait_site(kCond, Kind::Condition, 1, 50, 400 * kMs, 20 * kMs, 2);
    Run run(ended(b));
    const WaitsSummary& s = run.analysis.waits;
    REQUIRE(s.present);
    CHECK(s.timed);
    REQUIRE(s.objects.size() == 3);
    CHECK(s.objects[0].object == kCond);  // 400 ms, then the mutex's 200, the rwlock's 10
    CHECK(s.objects[1].object == kLock);
    CHECK(s.objects[2].object == kRw);
    // main 1 s + two workers 0.5 s each
    CHECK(s.threads_lifetime_ns == Approx(2e9));
    CHECK(s.lock_wait_ns == 210 * kMs);
    CHECK(s.event_wait_ns == 400 * kMs);
    CHECK(s.join_wait_ns == 0);

    const WaitObject& lock = s.objects[1];
    CHECK(lock.noun == "mutex");
    CHECK(lock.is_lock());
    CHECK(lock.waits == 40);
    CHECK(lock.wait_ns == 200 * kMs);
    CHECK(lock.max_ns == 5 * kMs);
    CHECK(lock.share == Approx(0.1));
    CHECK(lock.threads == 2);  // no per-wait events: the most at one site, a lower bound
    CHECK(lock.threads_at_least);
    REQUIRE(lock.sites.size() == 2);
    CHECK(lock.sites[0].stack_id == 1);  // 150 ms before 50
    REQUIRE(lock.holders.size() == 1);
    CHECK(lock.holders[0].releases == 40);
    CHECK(lock.holders[0].hold_ns == 40 * kMs);
    CHECK(lock.label.find("mutex first waited for at") == 0);  // a heap object: named by its first wait site

    const WaitObject& rw = s.objects[2];
    CHECK(rw.noun == "rwlock");
    CHECK(rw.waits == 6);
    CHECK(rw.wait_ns == 10 * kMs);
    CHECK(rw.max_ns == 6 * kMs);
    CHECK(rw.sites[0].kind == Kind::RwWrite);
    CHECK_FALSE(s.objects[0].is_lock());
}

TEST_CASE("waits: complete per-wait events count the threads exactly", "[waits][analysis]") {
    LogBuilder b = started();
    b.stack(1, {0x401001}).stack(2, {0x402002});
    add_threads(b, 3);
    b.wait_site(kLock, Kind::Mutex, 1, 2, 2 * kMs, kMs, 2);
    b.wait_site(kLock, Kind::Mutex, 2, 2, 2 * kMs, kMs, 2);
    b.wait_chunk(8, {{6000, kMs, 1, kLock}, {7000 + kMs, kMs, 2, kLock}});
    b.wait_chunk(9, {{6000, kMs, 1, kLock}});
    b.wait_chunk(10, {{9000, kMs, 2, kLock}});
    Run run(ended(b));
    const WaitObject* lock = object_at(run.analysis.waits, kLock);
    REQUIRE(lock != nullptr);
    CHECK(lock->threads == 3);
    CHECK_FALSE(lock->threads_at_least);
}

TEST_CASE("waits: stacks that differ only past the named frame are one site, threads counted from the events",
          "[waits][analysis]") {
    LogBuilder b = started();
    // One wait function reached from two callers: both rows would read "waited at 0x401001".
    b.stack(1, {0x401001, 0x501001}).stack(2, {0x401001, 0x502001}).stack(3, {0x403003, 0x501001});
    b.stack(4, {0x404004, 0x501001}).stack(5, {0x404004, 0x502001});
    add_threads(b, 3);
    b.wait_site(kLock, Kind::Mutex, 1, 2, 3 * kMs, 2 * kMs, 2);
    b.wait_site(kLock, Kind::Mutex, 2, 1, 5 * kMs, 5 * kMs, 1);
    b.wait_site(kLock, Kind::Mutex, 3, 1, kMs, kMs, 1);
    b.lock_holder(kLock, 4, 2, 6 * kMs, 1, 2 * kMs, 2 * kMs);
    b.lock_holder(kLock, 5, 1, 2 * kMs, 1, 3 * kMs, 3 * kMs);
    b.wait_chunk(8, {{6000, 2 * kMs, 1, kLock}, {7000 + 2 * kMs, kMs, 1, kLock}});
    b.wait_chunk(9, {{6000, 5 * kMs, 2, kLock}});
    b.wait_chunk(10, {{6000, kMs, 3, kLock}});
    Run run(ended(b));
    const WaitObject* lock = object_at(run.analysis.waits, kLock);
    REQUIRE(lock != nullptr);
    REQUIRE(lock->sites.size() == 2);
    const WaitSiteTotals& merged = lock->sites[0];
    CHECK(merged.waits == 3);
    CHECK(merged.wait_ns == 8 * kMs);
    CHECK(merged.max_ns == 5 * kMs);
    CHECK(merged.stack_id == 2);  // the costlier stack
    CHECK(merged.threads == 2);   // threads 8 and 9, from the events
    CHECK(lock->sites[1].stack_id == 3);
    REQUIRE(lock->holders.size() == 1);
    CHECK(lock->holders[0].releases == 3);
    CHECK(lock->holders[0].delay_ns == 8 * kMs);
    CHECK(lock->holders[0].hold_ns == 5 * kMs);
    CHECK(lock->holders[0].max_hold_ns == 3 * kMs);
    CHECK(lock->holders[0].stack_id == 4);
}

TEST_CASE("waits: heap objects first waited for at one site are told apart by their address", "[waits][analysis]") {
    LogBuilder b = started();
    b.stack(1, {0x401001}).stack(2, {0x402002});
    add_threads(b, 2);
    b.wait_site(kCond, Kind::Condition, 1, 3, 3 * kMs, kMs, 1);
    b.wait_site(kCond + 0x40, Kind::Condition, 1, 2, 2 * kMs, kMs, 1);
    b.wait_site(kLock, Kind::Mutex, 2, 1, kMs, kMs, 1);
    Run run(ended(b));
    const WaitObject* first = object_at(run.analysis.waits, kCond);
    const WaitObject* second = object_at(run.analysis.waits, kCond + 0x40);
    const WaitObject* alone = object_at(run.analysis.waits, kLock);
    REQUIRE((first && second && alone));
    CHECK(first->label != second->label);
    CHECK(first->label.find("(0x7200)") != std::string::npos);
    CHECK(second->label.find("(0x7240)") != std::string::npos);
    CHECK(alone->label.find("(0x") == std::string::npos);  // its name is its own
}

TEST_CASE("waits: a join is named by the thread joined, and is no contention", "[waits][analysis]") {
    LogBuilder b = started();
    b.stack(1, {0x401001});
    add_threads(b, 1);
    b.wait_site(8, Kind::Join, 1, 1, 300 * kMs, 300 * kMs, 1);
    Run run(ended(b));
    const WaitObject* join = object_at(run.analysis.waits, 8);
    REQUIRE(join != nullptr);
    CHECK(join->noun == "thread");
    CHECK(join->label.find("(tid 8)") != std::string::npos);
    CHECK(run.analysis.waits.join_wait_ns == 300 * kMs);
    CHECK(run.rule().empty());
}

TEST_CASE("waits: joins the shim keyed 0 (its table half full) are one object of many threads", "[waits][analysis]") {
    LogBuilder b = started();
    b.stack(1, {0x401001});
    add_threads(b, 1);
    b.wait_site(0, Kind::Join, 1, 500, 100 * kMs, kMs, 1);
    Run run(ended(b));
    const WaitObject* joins = object_at(run.analysis.waits, 0);
    REQUIRE(joins != nullptr);
    CHECK(joins->label == "threads joined once the shim's table was half full (not told apart)");
    CHECK(joins->waits == 500);
}

TEST_CASE("lock-contention: a lock over the share and the floor, with its sites, holder and advice",
          "[waits][findings]") {
    LogBuilder b = contended_mutex(200);
    Run run(ended(b));
    std::vector<Finding> found = run.rule();
    REQUIRE(found.size() == 1);
    const Finding& f = found[0];
    CHECK(f.kind == "lock-contention");
    CHECK(f.title.find("threads waited 200 ms for mutex") != std::string::npos);
    CHECK(f.site == run.analysis.waits.objects[0].sites[0].where);
    CHECK_FALSE(f.stack.empty());
    CHECK(f.cost_ns == 200 * kMs);
    CHECK(f.cost_up_to);
    CHECK(f.figures.at("share_of_threads_time") == Approx(0.1));
    CHECK(f.figures.at("waits") == 40);
    CHECK(f.figures.at("hold_average_seconds") == Approx(0.002));
    bool holder = false, overlap = false;
    for (const std::string& line : f.evidence) {
        holder = holder || line.find("held until") != std::string::npos;
        overlap = overlap || line.find("faster by up to 200 ms") != std::string::npos;
    }
    CHECK(holder);
    CHECK(overlap);
    CHECK(f.advice.find("shard the data") != std::string::npos);
    CHECK(f.advice.find("reader-writer lock") != std::string::npos);

    // Ranked with the others, its title says "up to".
    std::vector<Finding> all = find_all(RuleInput{run.log, run.analysis, run.sites, Thresholds{}});
    bool titled = false;
    for (const Finding& g : all) titled = titled || (g.kind == "lock-contention" && g.title.find("— costs up to 200 ms") != std::string::npos);
    CHECK(titled);
}

TEST_CASE("lock-contention: below the share or the floor, waits for events, or no clock raise nothing",
          "[waits][findings]") {
    SECTION("under 5% of the threads' time (2 s): 80 ms is 4%") {
        LogBuilder b = contended_mutex(80);
        CHECK(Run(ended(b)).rule().empty());
    }
    SECTION("the share is an option") {
        LogBuilder b = contended_mutex(80);
        Thresholds limits;
        limits.lock_min_share = 0.03;
        CHECK(Run(ended(b)).rule(limits).size() == 1);
    }
    SECTION("under the 1 ms floor however large the share") {
        LogBuilder b = contended_mutex(200);
        Thresholds limits;
        limits.lock_min_wait_us = 300000;
        CHECK(Run(ended(b)).rule(limits).empty());
    }
    SECTION("a condition variable waited on half the time is waiting for work") {
        LogBuilder b = started();
        b.stack(1, {0x401001});
        add_threads(b, 2);
        b.wait_site(kCond, Kind::Condition, 1, 500, 1000 * kMs, 30 * kMs, 2);
        Run run(ended(b));
        CHECK(run.analysis.waits.event_wait_ns == 1000 * kMs);
        CHECK(run.rule().empty());
    }
    SECTION("a log without an End record: times unknown") {
        LogBuilder b = contended_mutex(200);
        Run run(decode_log(b.bytes(), "t"));
        CHECK(run.analysis.waits.present);
        CHECK_FALSE(run.analysis.waits.timed);
        CHECK(run.rule().empty());
    }
}

TEST_CASE("waits in the text, JSON and HTML reports; without wait records, why", "[waits][report]") {
    auto reports = [](Log log) {
        Symbolizer symbols(log.modules);
        CallSites sites(log, symbols);
        Analysis analysis = analyze_with_limits(log, sites, AllocReport{}, Thresholds{});
        std::vector<Finding> findings = find_all(RuleInput{log, analysis, sites, Thresholds{}});
        ReportInput input{log, findings, sites, 10, analysis};
        std::ostringstream text, json, html;
        write_text_report(input, text);
        write_json_report(input, json);
        write_html_report(input, html);
        return std::vector<std::string>{text.str(), json.str(), html.str()};
    };
    LogBuilder b = contended_mutex(200);
    std::vector<std::string> with = reports(ended(b));
    CHECK(with[0].find("\nWaits (contended only: 40 waits on 1 object; 200 ms in lock contention") != std::string::npos);
    CHECK(with[0].find("— contention: 200 ms in 40 waits (10.0% of the threads' time)") != std::string::npos);
    CHECK(with[0].find("held until ") != std::string::npos);
    CHECK(with[0].find("not seen: waits on raw futexes") != std::string::npos);
    CHECK(with[1].find("\"waits\":{\"present\":true") != std::string::npos);
    CHECK(with[1].find("\"kind\":\"lock-contention\"") != std::string::npos);
    CHECK(with[2].find("<section id=\"waits\">") != std::string::npos);
    CHECK(with[2].find("href=\"#waits\"") != std::string::npos);

    CHECK(with[1].find("\"waits_recorded\":true,\"waits_not_recorded\":\"\"") != std::string::npos);

    // No wait record: the log's note says whether none blocked or none were looked at.
    LogBuilder unsaid = started();  // an older shim: no note
    add_threads(unsaid, 2);
    std::vector<std::string> without = reports(ended(unsaid));
    CHECK(without[0].find("\nWaits: waits were not recorded (SHIM_WAITS=0, or a shim older than the wait hooks): "
                          "threads blocked on a lock, condition or join show only as time off the CPU\n") !=
          std::string::npos);
    CHECK(without[1].find("\"waits\"") == std::string::npos);
    CHECK(without[1].find("\"waits_recorded\":false,\"waits_not_recorded\":\"waits were not recorded (SHIM_WAITS=0, "
                          "or a shim older than the wait hooks)\"") != std::string::npos);
    // The HTML report says it where the waits table would be, as a warning.
    CHECK(without[2].find("<section id=\"waits\"><h2>Waits</h2>\n<p class=\"warning\">waits were not recorded "
                          "(SHIM_WAITS=0, or a shim older than the wait hooks): threads blocked on a lock, condition or "
                          "join show only as time off the CPU</p>") != std::string::npos);
    CHECK(without[2].find("href=\"#waits\"") != std::string::npos);

    LogBuilder off = started();
    off.note(shimlog::NoteKind::WaitsNotRecorded, "contended waits are not recorded (SHIM_WAITS=0)");
    add_threads(off, 2);
    std::vector<std::string> off_reports = reports(ended(off));
    CHECK(off_reports[0].find("\nWaits: waits were not recorded (SHIM_WAITS=0): ") != std::string::npos);
    CHECK(off_reports[1].find("\"waits_recorded\":false") != std::string::npos);
    CHECK(off_reports[2].find("<p class=\"warning\">waits were not recorded (SHIM_WAITS=0): threads blocked") !=
          std::string::npos);

    LogBuilder none = started();
    none.note(shimlog::NoteKind::WaitsRecorded, "contended waits are recorded (SHIM_WAITS=1)");
    add_threads(none, 2);
    std::vector<std::string> none_reports = reports(ended(none));
    CHECK(none_reports[0].find("\nWaits: none contended (no thread blocked on a mutex, rwlock, condition, semaphore, "
                               "barrier or join the shim hooks)\n") != std::string::npos);
    CHECK(none_reports[0].find("Note:     contended waits") == std::string::npos);  // the note is a flag, not news
    CHECK(none_reports[1].find("\"waits\"") == std::string::npos);
    CHECK(none_reports[1].find("\"waits_recorded\":true,\"waits_not_recorded\":\"\"") != std::string::npos);
    CHECK(none_reports[2].find("<section id=\"waits\"><h2>Waits</h2>\n<p class=\"note\">none contended (no thread "
                               "blocked on a mutex, rwlock, condition, semaphore, barrier or join the shim hooks)</p>") !=
          std::string::npos);
    CHECK(none_reports[2].find("<table class=\"data sites\"><caption>Objects threads blocked on") == std::string::npos);

    LogBuilder single = started();  // one thread: nothing to say either way
    std::vector<std::string> single_reports = reports(ended(single));
    CHECK(single_reports[0].find("\nWaits") == std::string::npos);
    CHECK(single_reports[2].find("id=\"waits\"") == std::string::npos);
}

TEST_CASE("whether waits were recorded: the note, wait records, and an exec'd image that did not", "[waits][decode]") {
    auto recording = [](LogBuilder b) { return decode_log(b.bytes(), "t"); };
    LogBuilder unsaid = started();
    CHECK_FALSE(recording(unsaid).waits_recorded());
    CHECK(recording(unsaid).waits_recording == analyzer::WaitsRecording::Unsaid);
    LogBuilder old_with_records = contended_mutex(200);  // a shim of the wait hooks before the note
    CHECK(recording(old_with_records).waits_recorded());
    LogBuilder on = started();
    on.note(shimlog::NoteKind::WaitsRecorded);
    CHECK(recording(on).waits_recorded());
    CHECK(recording(on).notes.empty());  // kept as the flag only
    LogBuilder off = contended_mutex(200);
    off.note(shimlog::NoteKind::WaitsNotRecorded);
    CHECK_FALSE(recording(off).waits_recorded());
    LogBuilder exec_off = started();  // the first image recorded, the exec'd one did not
    exec_off.note(shimlog::NoteKind::WaitsRecorded).note(shimlog::NoteKind::WaitsNotRecorded);
    exec_off.note(shimlog::NoteKind::WaitsRecorded);
    CHECK(recording(exec_off).waits_recording == analyzer::WaitsRecording::NotRecorded);
}

TEST_CASE("a spin lock's waits: contention spent spinning, a lock for the contention finding", "[waits]") {
    LogBuilder b = started();
    b.stack(1, {0x401001});
    add_threads(b, 2);
    b.wait_site(kLock, Kind::Spin, 1, 40, 200 * kMs, 20 * kMs, 2);
    Run run(ended(b));
    REQUIRE(run.analysis.waits.objects.size() == 1);
    const WaitObject& o = run.analysis.waits.objects[0];
    CHECK(o.noun == "spinlock");
    CHECK(o.is_lock());
    CHECK(std::string(wait_meaning(o.kind)) == "contention, spinning on a CPU");
    CHECK(run.analysis.waits.lock_wait_ns == 200 * kMs);
    std::vector<Finding> found = run.rule();
    REQUIRE(found.size() == 1);
    CHECK(found[0].title.find("spinlock") != std::string::npos);

    LogBuilder unknown = started();  // a kind past Spin: malformed, the log partial from there
    unknown.wait_site(kLock, static_cast<Kind>(8), 1, 1, kMs, kMs, 1);
    Log log = ended(unknown);
    CHECK(log.partial);
    CHECK_FALSE(log.waits.present());
}

TEST_CASE("a semaphore reads as a lock when a fifth of its posts with waiters were by the thread that took it",
          "[waits][decode]") {
    // Three semaphores, each waited for 10 times and posted 10 times with
    // waiters: 2 of the posts paired (the poster had taken it through a
    // blocked wait), 1 of them, none (a producer's posts); and a mutex.
    Log log;
    auto add = [&](uint64_t object, Kind kind, uint64_t paired) {
        WaitSite s;
        s.object = object, s.kind = kind, s.stack_id = 1, s.waits = 10, s.wait_ns = 1000, s.threads = 2;
        log.waits.sites.push_back(s);
        WaitEvent e;
        e.object = object, e.kind = kind, e.tid = 7, e.length_ns = 100;
        log.waits.events.push_back(e);
        LockHolder h;
        h.object = object, h.stack_id = 2, h.releases = 10, h.delay_ns = 1000, h.timed_holds = paired;
        log.waits.holders.push_back(h);
    };
    add(0x100, Kind::Semaphore, 2);
    add(0x200, Kind::Semaphore, 1);
    add(0x300, Kind::Semaphore, 0);
    add(0x400, Kind::Mutex, 0);
    read_semaphore_locks(log);
    CHECK(log.waits.sites[0].kind == Kind::SemaphoreLock);
    CHECK(log.waits.events[0].kind == Kind::SemaphoreLock);
    CHECK(log.waits.holders[0].kind == Kind::SemaphoreLock);
    CHECK(log.waits.sites[1].kind == Kind::Semaphore);  // 1 in 10: under the share
    CHECK(log.waits.holders[1].kind == Kind::Semaphore);
    CHECK(log.waits.sites[2].kind == Kind::Semaphore);
    CHECK(log.waits.events[2].kind == Kind::Semaphore);
    CHECK(log.waits.holders[2].kind == Kind::Semaphore);  // posts: who woke the waiters, no lock's release
    CHECK(log.waits.sites[3].kind == Kind::Mutex);
    CHECK(log.waits.holders[3].kind == Kind::Mutex);
    CHECK(is_lock_wait(Kind::SemaphoreLock));
    CHECK(std::string(wait_meaning(Kind::SemaphoreLock)) == "contention");
    CHECK(std::string(wait_object_noun(Kind::SemaphoreLock)) == "semaphore (as a lock)");

    // A semaphore without any post recorded (an older shim's log): waiting for work, as before.
    Log old;
    WaitSite s;
    s.object = 0x500, s.kind = Kind::Semaphore, s.waits = 3;
    old.waits.sites.push_back(s);
    read_semaphore_locks(old);
    CHECK(old.waits.sites[0].kind == Kind::Semaphore);
}
