// The talk's second step: words --mode alloc allocates a byte per byte read;
// the malloc family is traced in any program, exactly, stacks and all.
#include <catch2/catch.hpp>

#include <set>

#include "../../analyzer/analysis/alloc_analysis.h"
#include "../../analyzer/analysis/alloc_sites.h"
#include "analysis.h"
#include "harness.h"

using namespace harness;

namespace {

const analyzer::AllocSite* site_containing(const std::vector<analyzer::AllocSite>& sites, const std::string& text) {
    for (const analyzer::AllocSite& s : sites)
        if (s.site.find(text) != std::string::npos) return &s;
    return nullptr;
}

std::string source_line(const std::string& file, const std::string& needle) {
    return file.substr(file.rfind('/') + 1) + ":" + std::to_string(line_of(file, needle));
}

}  // namespace

TEST_CASE("words alloc: readbyte's buffer is the hot spot, one per byte, all temporary", "[alloc][integration]") {
    std::string dir = scratch_dir("words_alloc");
    Result bare = run(words_path() + " --mode alloc " + book_path(), dir);
    Result traced = run("SHIM_STACK_VERIFY=1000 " + preload() + words_path() + " --mode alloc " + book_path(), dir);
    REQUIRE(traced.status == 0);
    CHECK(traced.out == bare.out);
    Analysis a = analyze(dir + "/log.bin");
    CHECK(a.log.stack_checks > 0);
    CHECK(a.log.stack_mismatches == 0);

    analyzer::AllocReport allocs = analyzer::analyze_allocations(a.log);
    REQUIRE(allocs.consistent());
    std::vector<analyzer::AllocSite> sites = analyzer::alloc_sites(allocs, *a.sites);
    REQUIRE_FALSE(sites.empty());
    const std::string source = repo_root() + "/workloads/words.cpp";
    const analyzer::AllocSite& top = sites.front();
    CHECK(top.site.find("readbyte") != std::string::npos);
    CHECK(top.site.find(source_line(source, "new char[1]")) != std::string::npos);
    CHECK(top.allocations == 1270330);
    CHECK(top.temporary == 1270330);
    CHECK(top.common_size == 1);

    const analyzer::Finding* f = a.finding("alloc-hotspot");
    REQUIRE(f != nullptr);
    CHECK(f->site == top.site);
}

TEST_CASE("words buffered makes fewer than 100 allocations", "[alloc][integration]") {
    std::string dir = scratch_dir("words_buffered_alloc");
    REQUIRE(run(preload() + words_path() + " --mode buffered " + book_path(), dir).status == 0);
    Analysis a = analyze(dir + "/log.bin");
    analyzer::AllocReport allocs = analyzer::analyze_allocations(a.log);
    CHECK(allocs.allocations > 0);
    CHECK(allocs.allocations < 100);
    CHECK(a.finding("alloc-hotspot") == nullptr);
}

TEST_CASE("the malloc family and C++ new/delete: exact counts, the leak at its site", "[alloc][integration]") {
    std::string dir = scratch_dir("alloc_mix");
    Result r = run("SHIM_STACK_VERIFY=1 " + preload() + program_path("alloc_mix"), dir);
    REQUIRE(r.status == 0);
    CHECK(r.out == "alloc_mix done\n");
    analyzer::Thresholds limits;
    limits.leak_min_bytes = 10000;  // the deliberate leak is 12,345 B
    Analysis a = analyze(dir + "/log.bin", limits);
    CHECK(a.log.stack_mismatches == 0);
    analyzer::AllocReport allocs = analyzer::analyze_allocations(a.log);
    REQUIRE(allocs.consistent());
    std::vector<analyzer::AllocSite> sites = analyzer::alloc_sites(allocs, *a.sites);
    const std::string source = repo_root() + "/tests/programs/alloc_mix.cpp";
    struct Expected {
        const char* marker;
        uint64_t allocations, bytes, leaked;
    } expected[] = {
        {"SITE new_int4", 1000, 16000, 0},
        {"SITE realloc_grow", 9, 16 + 32 + 64 + 128 + 256 + 512 + 1024 + 2048 + 4096, 0},
        {"SITE posix_memalign", 10, 1000, 0},
        {"SITE aligned_alloc", 10, 1280, 0},
        {"SITE thread_malloc", 4000, 128000, 0},
        {"SITE leak", 1, 12345, 1},
    };
    for (const Expected& e : expected) {
        INFO(e.marker);
        const analyzer::AllocSite* site = site_containing(sites, source_line(source, e.marker));
        REQUIRE(site != nullptr);
        CHECK(site->allocations == e.allocations);
        CHECK(site->bytes == e.bytes);
        CHECK(site->leaked == e.leaked);
    }
    // The leak is found at its line, and nothing else the program wrote leaks.
    int leaks = 0;
    for (const analyzer::Finding& f : a.findings) {
        if (f.kind != "leak") continue;
        ++leaks;
        CHECK(f.site.find(source_line(source, "SITE leak")) != std::string::npos);
    }
    CHECK(leaks == 1);
    // glibc keeps finished threads' TLS blocks for reuse (its stack cache):
    // still allocated at exit, from the pthread_create call, but not the program's leak.
    std::string thread_start = source_line(source, "pthread_create(&t");
    for (const analyzer::AllocSite& s : sites)
        if (s.site.find("alloc_mix.cpp") != std::string::npos && s.site.find(source_line(source, "SITE leak")) == std::string::npos &&
            s.site.find(thread_start) == std::string::npos)
            CHECK(s.leaked == 0);
}

TEST_CASE("a threaded program that forks keeps every allocation accounted for", "[alloc][integration]") {
    std::string dir = scratch_dir("alloc_fork_threads");
    Result r = run(preload() + program_path("fork_threads"), dir);
    REQUIRE(r.status == 0);
    Analysis a = analyze(dir + "/log.bin");
    analyzer::AllocReport allocs = analyzer::analyze_allocations(a.log);
    CHECK(allocs.consistent());
    CHECK(allocs.allocations > 0);
}

TEST_CASE("16 threads of allocations, frees and reads: every count exact", "[stress][integration]") {
    for (const char* mode : {"", " fork"}) {
        INFO("mode" << mode);
        std::string dir = scratch_dir(std::string("stress") + (*mode ? "_fork" : ""));
        Result r = run("timeout 120 env " + preload() + program_path("stress") + " 16 200000" + mode, dir);
        REQUIRE(r.status == 0);
        REQUIRE(r.out == "allocations 3200000 reads 3200000\n");
        Analysis a = analyze(dir + "/log.bin");
        CHECK_FALSE(a.log.partial);
        CHECK(a.log.end.dropped == 0);
        CHECK(a.calls_on("/dev/zero", false) == 3200000);
        analyzer::AllocReport allocs = analyzer::analyze_allocations(a.log);
        CHECK(allocs.consistent());
        std::vector<analyzer::AllocSite> sites = analyzer::alloc_sites(allocs, *a.sites);
        const analyzer::AllocSite* worker = site_containing(sites, "worker");
        REQUIRE(worker != nullptr);
        CHECK(worker->allocations == 3200000);
        CHECK(worker->leaked == 0);
    }
}

TEST_CASE("sampling mode keeps exact counts per site with a fraction of the events", "[alloc][sampling][integration]") {
    std::string dir = scratch_dir("words_alloc_sampled");
    Result r = run("SHIM_ALLOC_SAMPLE=65536 " + preload() + words_path() + " --mode alloc " + book_path(), dir);
    REQUIRE(r.status == 0);
    Analysis a = analyze(dir + "/log.bin");
    analyzer::AllocReport allocs = analyzer::analyze_allocations(a.log);
    CHECK(allocs.sampled());
    std::vector<analyzer::AllocSite> sites = analyzer::alloc_sites(allocs, *a.sites);
    REQUIRE_FALSE(sites.empty());
    CHECK(sites.front().site.find("readbyte") != std::string::npos);
    CHECK(sites.front().allocations == 1270330);  // exact, though only ~20 were events
    CHECK(a.finding("alloc-hotspot") != nullptr);
    uint64_t events = 0;
    for (const analyzer::AllocChunk& chunk : a.log.alloc_chunks) events += chunk.event_count;
    CHECK(events < 1000);
}

TEST_CASE("sparse allocations are timed each on its own: the peak falls at the last of six blocks 40 ms apart",
          "[alloc][integration]") {
    std::string dir = scratch_dir("sparse_allocs");
    Result traced = run(preload() + program_path("sparse_allocs"), dir);
    REQUIRE(traced.status == 0);
    analyzer::Log log = analyzer::decode_log_file(dir + "/log.bin");
    analyzer::AllocReport allocs = analyzer::analyze_allocations(log);
    CHECK(allocs.consistent());
    CHECK(allocs.peak_bytes >= 6u << 20);
    // Five sleeps of 40 ms come before the last block (at least 200 ms); the
    // clock is read at every event this sparse, so the peak is not placed at
    // the first allocation's time. Time marks are ~1 ms apart.
    CHECK(analyzer::seconds_since_start(log, allocs.peak_ticks) >= 0.19);
}

TEST_CASE("32,768 different allocation stacks met by two threads at once: each recorded, none dropped",
          "[alloc][integration]") {
    // 2^15 paths, walked by two threads at the same time (the same frames in
    // both): the stack table grows twice past its first 8,192 slots while
    // both insert the same stacks.
    std::string dir = scratch_dir("many_stacks");
    Result traced = run(preload() + program_path("many_stacks") + " 15 2", dir);
    REQUIRE(traced.status == 0);
    analyzer::Log log = analyzer::decode_log_file(dir + "/log.bin");
    CHECK(log.end.dropped == 0);
    analyzer::AllocReport allocs = analyzer::analyze_allocations(log);
    CHECK(allocs.consistent());
    CHECK(allocs.allocations >= 2u << 15);
    // Every path's stack has its own id; a stack may at worst be recorded
    // twice when two threads first meet it during a growth, never merged.
    std::set<std::vector<uint64_t>> distinct;
    for (const auto& [id, frames] : log.stacks) distinct.insert(frames);
    CHECK(distinct.size() >= 1u << 15);
    CHECK(log.stacks.size() - distinct.size() < 16);
}
