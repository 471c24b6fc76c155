// Issue 19: every sentence a finding prints must follow from its numbers, and
// findings rank by what they cost. Fixtures where the numbers say otherwise
// than the old wording did.
#include <catch2/catch.hpp>

#include "../../analyzer/pipeline.h"
#include "../../analyzer/findings/cost_ranking.h"
#include "../../analyzer/findings/rules.h"
#include "../../analyzer/decode/thread_cpu_estimate.h"
#include "../../analyzer/analysis/threads_summary.h"
#include "thread_fixtures.h"

using namespace analyzer;
using fixtures::kMs;

namespace {

constexpr uint64_t kUs = 1000;

std::vector<Finding> findings_of(const Log& log, const AllocReport& allocs = {}, const Thresholds& limits = {}) {
    Symbolizer symbols({});
    CallSites sites(log, symbols);
    Analysis analysis = analyze_with_limits(log, sites, allocs, limits);
    return find_all({log, analysis, sites, limits});
}

const Finding* first_of(const std::vector<Finding>& all, const std::string& kind) {
    for (const Finding& f : all)
        if (f.kind == kind) return &f;
    return nullptr;
}

bool any_line_has(const Finding& f, const std::string& words) {
    if (f.title.find(words) != std::string::npos || f.advice.find(words) != std::string::npos) return true;
    for (const std::string& line : f.evidence)
        if (line.find(words) != std::string::npos) return true;
    return false;
}

// One routine's threads as the shim records them: 1,168 short ones (58 us,
// 20 us of CPU) whose clocks are read for the first 64 and one in 16 after,
// and 292 of 1 ms with 134 us of CPU, all read. Started one after another.
Log short_and_long_threads() {
    Log log = fixtures::empty_run(2000 * kMs);
    uint32_t tid = 100;
    uint64_t at = kMs;
    int short_seen = 0;
    for (int i = 0; i < 1460; ++i, at += kMs) {
        bool long_one = i % 5 == 4;
        ThreadInfo t = long_one ? fixtures::thread(tid, at, at + kMs, 134 * kUs, 0x2000, at - 20 * kUs)
                                : fixtures::thread(tid, at, at + 58 * kUs, 20 * kUs, 0x2000, at - 20 * kUs);
        if (!long_one) {
            bool read = short_seen < 64 || short_seen % 16 == 0;
            ++short_seen;
            t.cpu_source = read ? shimlog::ThreadCpu::ReadSample : shimlog::ThreadCpu::NotRead;
            if (!read) t.cpu_ns = 0;
        }
        t.parent_tid = 1;
        log.threads.push_back(t);
        ++tid;
    }
    log.threads.push_back(fixtures::thread(1, 0, 2000 * kMs, 5 * kMs));
    estimate_unread_thread_cpu(log);
    return log;
}

}  // namespace

TEST_CASE("CPU per thread: the sampled short threads stand for the unread ones, not the long ones", "[rules][threads]") {
    Log log = short_and_long_threads();
    Symbolizer symbols({});
    CallSites sites(log, symbols);
    ThreadNamer names(sites);
    ThreadsSummary s = summarize_threads(log, names);
    const ThreadGroupStats& g = s.groups.at(0);
    REQUIRE(g.count() == 1460);
    CHECK(g.lifetime_median_ns == Approx(58 * kUs));
    // Read clocks alone: 292 long ones against 133 short ones, a 134 us median.
    CHECK(g.cpu_median_ns == Approx(20 * kUs));
    CHECK(g.cpu_median_ns <= g.lifetime_median_ns);
    Thresholds limits;
    limits.min_cost_floor_ns = 0;
    std::vector<Finding> all = findings_of(log, {}, limits);
    const Finding* f = first_of(all, "threads-too-fine");
    REQUIRE(f != nullptr);
    CHECK(f->figures.at("cpu_median_seconds") <= f->figures.at("lifetime_median_seconds"));
    INFO(f->evidence[1]);
    CHECK(any_line_has(*f, "CPU per thread 20 µs (median)"));
}

namespace {

// Threads 2 and 3 keep two cores busy for 0.5 s; then for 0.5 s 1,460 short
// threads come and go, four alive at any instant, one core's worth between
// them, while the main thread waits.
Log many_short_threads_sharing_a_core() {
    Log log = fixtures::empty_run(1000 * kMs + 2 * kMs);
    fixtures::add_ticks(log, 0, 500, 2.0);
    fixtures::add_ticks(log, 500, 502, 1.0);
    log.threads.push_back(fixtures::thread(2, 0, 500 * kMs, 500 * kMs));
    log.threads.push_back(fixtures::thread(3, 0, 500 * kMs, 500 * kMs));
    const uint64_t gap = 500 * kMs / 1460, life = 4 * gap;
    for (uint64_t i = 0; i < 1460; ++i) {
        uint64_t start = 500 * kMs + i * gap;
        log.threads.push_back(fixtures::thread(uint32_t(10 + i), start, start + life, life / 4, 0x3000));
    }
    log.threads.push_back(fixtures::thread(1, 0, 1002 * kMs, 0));
    return log;
}

}  // namespace

TEST_CASE("serial phase: threads over the stretch are not threads at once", "[rules][concurrency]") {
    std::vector<Finding> all = findings_of(many_short_threads_sharing_a_core());
    const Finding* f = first_of(all, "serial-phase");
    REQUIRE(f != nullptr);
    INFO(f->title);
    CHECK(f->figures.at("threads_alive") > 1000);
    CHECK(f->figures.at("threads_alive_at_once") == 5);
    // The old title: "1,461 threads shared one core's worth of CPU".
    CHECK(f->title.find("1,461 threads shared") == std::string::npos);
    CHECK(f->title.find("the threads shared one core's worth of CPU") != std::string::npos);
    CHECK(f->title.find("at most 5 at once") != std::string::npos);  // four workers and the main thread
    CHECK(any_line_has(*f, "at most 5 at once) and used"));
}

TEST_CASE("serial phase: the other threads are not called short-lived when they lived long", "[rules][concurrency]") {
    // The main thread does 70% of a 1 s single-core stretch; eight threads
    // that each live the whole second (a JVM's) do the rest.
    Log log = fixtures::empty_run(1500 * kMs);
    fixtures::add_ticks(log, 0, 500, 2.0);
    fixtures::add_ticks(log, 500, 1000, 1.0);
    log.threads.push_back(fixtures::thread(2, 0, 500 * kMs, 500 * kMs));
    log.threads.push_back(fixtures::thread(3, 0, 500 * kMs, 500 * kMs));
    for (uint32_t tid = 20; tid < 28; ++tid) log.threads.push_back(fixtures::thread(tid, 500 * kMs, 1500 * kMs, 300 * kMs / 8));
    log.threads.push_back(fixtures::thread(1, 0, 1500 * kMs, 700 * kMs));
    for (uint64_t ms = 510; ms <= 1500; ms += 10) log.samples.thread_cpu.push_back({ms * kMs, 1, (ms - 500) * kMs * 7 / 10});
    std::vector<Finding> all = findings_of(log);
    const Finding* f = first_of(all, "serial-phase");
    REQUIRE(f != nullptr);
    INFO(f->title);
    CHECK(f->title.find("mostly the main thread") != std::string::npos);
    CHECK_FALSE(any_line_has(*f, "short-lived"));
    CHECK(f->title.find("8 other threads the rest") != std::string::npos);
}

namespace {

Log one_read_site(shimlog::Syscall call, uint64_t calls, uint64_t size, uint64_t sequential, uint64_t time_ns) {
    Log log = fixtures::empty_run(1000 * kMs);
    FileInfo file;
    file.id = 1;
    file.kind = shimlog::FileKind::Regular;
    file.path = "/data/test.db";
    log.files[1] = file;
    IoSite site;
    site.file_id = 1;
    site.site = 0x1234;
    site.syscall = call;
    site.calls = calls;
    site.bytes_done = calls * size;
    site.histogram[size <= 16 ? 2 : 3] = calls;
    site.sequential = sequential;
    site.time_ns = time_ns;
    log.io_sites.push_back(site);
    return log;
}

}  // namespace

TEST_CASE("re-read: small reads at scattered offsets get no buffer advice", "[rules][io]") {
    // sqlite: 2,003 preads of its 16-byte header, none sequential, 0.2 s here.
    std::vector<Finding> all = findings_of(one_read_site(shimlog::Syscall::pread64, 2003, 16, 0, 200 * kMs));
    CHECK(first_of(all, "unbuffered-io") == nullptr);
    const Finding* f = first_of(all, "re-read");
    REQUIRE(f != nullptr);
    CHECK(f->title.find("2,003 pread64() calls of 16 B on /data/test.db, 0.0% sequential") != std::string::npos);
    CHECK_FALSE(any_line_has(*f, "buffer would move"));
    CHECK(any_line_has(*f, "cannot tell the same bytes read again"));
    CHECK(f->advice.find("read them once and keep them in memory") != std::string::npos);
    // The same calls going on one after another: a buffer fits, unbuffered-io.
    all = findings_of(one_read_site(shimlog::Syscall::read, 2003, 16, 2003, 200 * kMs));
    CHECK(first_of(all, "re-read") == nullptr);
    REQUIRE(first_of(all, "unbuffered-io") != nullptr);
    CHECK(any_line_has(*first_of(all, "unbuffered-io"), "buffer would move the same data"));
}

TEST_CASE("findings say their cost and rank by it: time first, then leaks by bytes", "[rules][cost]") {
    Log log = one_read_site(shimlog::Syscall::read, 100000, 1, 100000, 910 * kMs);
    std::vector<Finding> all = findings_of(log);
    REQUIRE(!all.empty());
    CHECK(all[0].title.find(" — costs ~910 ms, 91.0% of the run") != std::string::npos);
    Finding small_leak, big_leak, cheap, dear;
    small_leak.kind = big_leak.kind = "leak";
    small_leak.cost_bytes = 2 << 20, big_leak.cost_bytes = 64 << 20;
    cheap.cost_ns = 1, dear.cost_ns = 2;
    std::vector<Finding> mixed = {small_leak, cheap, big_leak, dear};
    rank_by_cost(mixed);
    CHECK(mixed[0].cost_ns == 2);
    CHECK(mixed[1].cost_ns == 1);
    CHECK(mixed[2].cost_bytes == uint64_t(64 << 20));
    CHECK(mixed[3].cost_bytes == uint64_t(2 << 20));
}

TEST_CASE("a finding whose cost another's fix removes is ranked right after that one", "[rules][cost]") {
    // words unbuffered: the CPU in read() is sampled a little above the
    // unbuffered-I/O finding's timed cost, or a little below, run to run.
    Finding io, cpu_in_read, other;
    io.kind = "unbuffered-io", io.cost_ns = 1960;
    cpu_in_read.kind = "cpu-hotspot", cpu_in_read.cost_ns = 1990, cpu_in_read.follows = "unbuffered-io";
    other.kind = "alloc-hotspot", other.cost_ns = 1970;
    std::vector<Finding> ranked = {cpu_in_read, io, other};
    rank_by_cost(ranked);
    REQUIRE(ranked.size() == 3);
    CHECK(ranked[0].kind == "alloc-hotspot");
    CHECK(ranked[1].kind == "unbuffered-io");
    CHECK(ranked[2].kind == "cpu-hotspot");
    // With no such finding it keeps its place by cost.
    std::vector<Finding> alone = {other, cpu_in_read};
    rank_by_cost(alone);
    CHECK(alone[0].kind == "cpu-hotspot");
}

TEST_CASE("--min-cost: cheap count-triggered findings are left out, others never", "[rules][cost]") {
    // 2 ms of a 1 s run: 0.2%, under the default (1% of the run, at least 5 ms).
    Log log = one_read_site(shimlog::Syscall::read, 2003, 16, 2003, 2 * kMs);
    std::vector<Finding> all = findings_of(log);
    REQUIRE(first_of(all, "unbuffered-io") != nullptr);
    CHECK(mark_below_min_cost(all, log, Thresholds{}) == 1);
    CHECK(costly_findings(all).empty());
    Thresholds limits;
    REQUIRE(parse_min_cost("0", limits).empty());
    CHECK(mark_below_min_cost(all, log, limits) == 0);
    REQUIRE(parse_min_cost("0.1%", limits).empty());
    CHECK(min_cost_ns(log, limits) == Approx(1 * kMs));
    CHECK(mark_below_min_cost(all, log, limits) == 0);
    REQUIRE(parse_min_cost("3ms", limits).empty());
    CHECK(mark_below_min_cost(all, log, limits) == 1);
    CHECK_FALSE(parse_min_cost("fast", limits).empty());
    CHECK_FALSE(parse_min_cost("-1ms", limits).empty());
    CHECK_FALSE(parse_min_cost("5", limits).empty());  // a unit is needed, 0 aside
    // A cost the log cannot know (no calibrated clock) is not "cheap".
    log.ticks_calibrated = false;
    all = findings_of(log);
    CHECK(mark_below_min_cost(all, log, Thresholds{}) == 0);
    // A serial phase is raised by its own share of the run, never left out.
    Finding phase;
    phase.kind = "serial-phase";
    std::vector<Finding> phases = {phase};
    CHECK(mark_below_min_cost(phases, fixtures::two_then_one(), Thresholds{}) == 0);
}

namespace {

// One site's allocations: `sizes` (size -> count), none temporary, the
// program's peak heap far below what the site allocated.
AllocReport churning_site(const std::map<uint64_t, uint64_t>& sizes) {
    AllocReport r;
    AllocStackStats& s = r.stacks[1];
    s.stack_id = 1;
    s.min_size = sizes.begin()->first;
    s.max_size = sizes.rbegin()->first;
    for (const auto& [size, count] : sizes) {
        s.sizes[size] = count;
        s.allocations += count;
        s.bytes += size * count;
    }
    r.allocations = s.allocations;
    r.bytes = s.bytes;
    r.peak_bytes = 64 * 1024;
    return r;
}

}  // namespace

TEST_CASE("alloc hot spot: constant sizes are not called a growing copy", "[rules][alloc]") {
    Log log;
    log.stacks[1] = {0x1000, 0x2000};
    // perl/sqlite: 200,000 blocks of 4 KiB, each outliving the next allocation.
    std::vector<Finding> constant = findings_of(log, churning_site({{4096, 200000}}));
    const Finding* f = first_of(constant, "alloc-hotspot");
    REQUIRE(f != nullptr);
    CHECK(f->advice.find("growing copy") == std::string::npos);
    CHECK(f->advice.find("pool") != std::string::npos);
    CHECK(any_line_has(*f, "the sizes do not grow: 100.0% of the allocations are 4 KiB"));
    // Sizes that spread, none most of them: a copy that grows.
    std::map<uint64_t, uint64_t> spread;
    for (uint64_t size = 64; size <= 64 * 1024; size += 64) spread[size] = 200;
    std::vector<Finding> growing = findings_of(log, churning_site(spread));
    f = first_of(growing, "alloc-hotspot");
    REQUIRE(f != nullptr);
    CHECK(f->advice.find("growing copy") != std::string::npos);
}

TEST_CASE("idle phase: under half a core busy is not 'no thread on CPU'", "[rules][concurrency]") {
    Log log = fixtures::empty_run(1000 * kMs);
    fixtures::add_ticks(log, 0, 300, 2.0);
    fixtures::add_ticks(log, 300, 400, 0.4);  // 160 ms of CPU in 400 ms: P(t) 0.4
    fixtures::add_ticks(log, 700, 300, 2.0);
    std::vector<Finding> all = findings_of(log);
    const Finding* f = first_of(all, "idle-phase");
    REQUIRE(f != nullptr);
    INFO(f->title);
    CHECK_FALSE(any_line_has(*f, "no thread was on CPU"));
    CHECK(f->title.find("under half a core busy: 160 ms of CPU in all") != std::string::npos);
}

TEST_CASE("too-fine threads whose CPU exceeds their lifetime say why", "[rules][threads]") {
    // 2,000 threads that ran their routine 5 us but used 27 us of CPU each.
    Log log = fixtures::empty_run(100 * kMs);
    for (uint64_t i = 0; i < 2000; ++i) {
        uint64_t start = kMs + i * 40 * kUs;
        log.threads.push_back(fixtures::thread(uint32_t(10 + i), start, start + 5 * kUs, 27 * kUs, 0x2000, start - 30 * kUs));
    }
    log.threads.push_back(fixtures::thread(1, 0, 100 * kMs, 50 * kMs));
    std::vector<Finding> all = findings_of(log);
    const Finding* f = first_of(all, "threads-too-fine");
    REQUIRE(f != nullptr);
    CHECK(any_line_has(*f, "CPU per thread 27 µs (median), 54.0 ms in all: more than the median lifetime, as a "
                           "thread's CPU clock also counts the start-up"));
}

TEST_CASE("unread threads' CPU comes from the random sample, not the first threads read", "[rules][threads]") {
    // The shim reads the first 64 short threads' clocks, then one in 16. Here
    // the first 64 ran cold (200 us of CPU each), the 1,000 after 20 us.
    Log log = fixtures::empty_run(2000 * kMs);
    for (uint64_t i = 0; i < 1064; ++i) {
        uint64_t start = kMs + i * kMs;
        bool first = i < kShortAlwaysRead;
        ThreadInfo t = fixtures::thread(uint32_t(10 + i), start, start + 50 * kUs, first ? 200 * kUs : 20 * kUs, 0x2000);
        t.cpu_source = first || i % 16 == 0 ? shimlog::ThreadCpu::ReadSample : shimlog::ThreadCpu::NotRead;
        if (t.cpu_estimated()) t.cpu_ns = 0;
        log.threads.push_back(t);
    }
    log.threads.push_back(fixtures::thread(1, 0, 2000 * kMs, 5 * kMs));
    estimate_unread_thread_cpu(log);
    for (const ThreadInfo& t : log.threads)
        if (t.cpu_estimated()) CHECK(t.cpu_ns == 20 * kUs);  // all the first 64 too: 110 us
    Symbolizer symbols({});
    CallSites sites(log, symbols);
    ThreadNamer names(sites);
    ThreadsSummary s = summarize_threads(log, names);
    REQUIRE(s.groups.at(0).count() == 1064);
    CHECK(s.groups[0].cpu_median_ns == Approx(20 * kUs));  // 64 cold ones against 63 samples standing for 1,000
    CHECK(s.groups[0].cpu_total_ns == Approx(64 * 200e3 + 1000 * 20e3));
}
