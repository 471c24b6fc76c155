// Memory kept until exit on purpose against memory lost, end to end: the
// shim's exit scan and the analyzer's reachability on real C and C++ programs.
#include <catch2/catch.hpp>

#include "../../analyzer/analysis/alloc_analysis.h"
#include "../../analyzer/analysis/alloc_sites.h"
#include "analysis.h"
#include "harness.h"

using namespace harness;

namespace {

struct Expect {
    const char* program;
    const char* source;
    const char* lost_function;  // the site of the lost blocks
    const char* kept_function;  // the site of the reachable ones
    const char* advice;         // a phrase of the language's advice
};

void check_program(const Expect& expect) {
    std::string dir = scratch_dir(expect.program);
    Result r = run(preload() + program_path(expect.program), dir);
    REQUIRE(r.status == 0);
    CHECK(r.out == "kept 32 blocks, lost 32\n");
    Analysis a = analyze(dir + "/log.bin");
    REQUIRE(a.log.exit_scan.finished);
    CHECK(a.log.exit_scan.summary.flags == 0);
    analyzer::AllocReport allocs = analyzer::analyze_allocations(a.log);
    REQUIRE(allocs.reach.decided);

    // Exactly one leak finding: the lost 2 MiB at their site.
    std::vector<const analyzer::Finding*> leaks;
    for (const analyzer::Finding& f : a.findings)
        if (f.kind == "leak") leaks.push_back(&f);
    REQUIRE(leaks.size() == 1);
    const analyzer::Finding& leak = *leaks[0];
    CHECK(leak.site.find(expect.lost_function) != std::string::npos);
    CHECK(leak.site.find(expect.source) != std::string::npos);
    CHECK(leak.figures.at("lost_bytes") == 2 << 20);
    CHECK(leak.figures.at("leaked_allocations") == 32);
    CHECK(leak.advice.find(expect.advice) != std::string::npos);

    // The kept 2 MiB: still reachable, listed, not lost.
    bool kept_seen = false;
    for (const analyzer::AllocSite& s : analyzer::alloc_sites(allocs, *a.sites)) {
        if (s.site.find(expect.kept_function) == std::string::npos || s.leaked_bytes != 2 << 20) continue;
        kept_seen = true;
        CHECK(s.lost == 0);
        CHECK(s.possibly_lost == 0);
    }
    CHECK(kept_seen);
    CHECK(allocs.reach.reachable_bytes >= 2 << 20);
    CHECK(allocs.reach.lost_bytes == 2 << 20);

    Result report = run(analyzer_path() + " report log.bin", dir);
    REQUIRE(report.status == 0);
    CHECK(report.out.find("still reachable at exit: ") != std::string::npos);
    CHECK(report.out.find("(kept until exit on purpose, the OS frees it)") != std::string::npos);
    CHECK(report.out.find("lost: 32 allocations, 2 MiB") != std::string::npos);
}

}  // namespace

TEST_CASE("leak kinds in C: one finding for the lost 2 MiB, the kept 2 MiB still reachable", "[leak][integration]") {
    check_program({"leak_kinds", "leak_kinds.c", "lose_blocks", "keep_list", "free() each block"});
}

TEST_CASE("leak kinds in C++: the same, with C++ advice", "[leak][integration]") {
    check_program({"leak_kinds_cpp", "leak_kinds_cpp.cpp", "lose_blocks", "keep_blocks", "std::unique_ptr"});
}

TEST_CASE("no exit scan after a fatal signal or in sampling mode: the leak is worded as undecided", "[leak][integration]") {
    std::string dir = scratch_dir("leak_kinds_sampled");
    Result r = run("SHIM_ALLOC_SAMPLE=4096 " + preload() + program_path("leak_kinds"), dir);
    REQUIRE(r.status == 0);
    Analysis a = analyze(dir + "/log.bin");
    CHECK_FALSE(a.log.exit_scan.present);
    const analyzer::Finding* leak = a.finding("leak");
    REQUIRE(leak != nullptr);
    CHECK(leak->title.rfind("Possible leak: ", 0) == 0);
    bool says_why = false;
    for (const std::string& line : leak->evidence)
        says_why = says_why || line.find("cannot be told: in sampling mode") != std::string::npos;
    CHECK(says_why);
}
