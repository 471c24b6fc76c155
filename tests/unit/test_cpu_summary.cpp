// The CPU profile by function (analysis/cpu_profile.h): flat and cum as
// pprof -top sums them, weights, pc-only samples, and the text section.
#include <catch2/catch.hpp>

#include <sstream>

#include "../../analyzer/analysis/cpu_profile.h"
#include "../../analyzer/views/report.h"

using namespace analyzer;

namespace {

// Stacks innermost first; with no modules the functions are named by address.
Log profile_log() {
    Log log;
    log.process.exe = "/bin/prog";
    log.stacks[1] = {0x1101, 0x2200, 0x3300};  // leaf 0x1100, called from 0x2200 (twice on the stack: recursion)
    log.stacks[2] = {0x2201, 0x3300};
    log.stacks[3] = {0x1101};                  // pc only
    log.cpu.period_ns = 10000000;
    log.cpu.batches = 1;
    log.cpu.samples = {{8, 100, 1, 20000000},
                       {8, 200, 1, 10000000},
                       {9, 300, 2, 10000000},
                       {9, 400, 3, 10000000, shimlog::CpuSampleDepth::InLoader}};
    return log;
}

const CpuFunction* named(const CpuProfileSummary& s, const std::string& name) {
    for (const CpuFunction& f : s.functions)
        if (f.name == name) return &f;
    return nullptr;
}

}  // namespace

TEST_CASE("CPU profile: flat and cum per function, weighted by expiries", "[cpu]") {
    Log log = profile_log();
    Symbolizer symbols({});
    CallSites sites(log, symbols);
    CpuProfileSummary s = summarize_cpu_profile(log, sites, ThreadsSummary{});
    REQUIRE(s.present);
    CHECK(s.samples == 4);
    CHECK(s.cpu_ns == 50000000);
    CHECK(s.pc_only_total() == 1);
    CHECK(s.pc_only[1] == 1);
    // 0x1101 and 0x2201 resolve at address - 1, like return addresses.
    const CpuFunction* leaf = named(s, "0x1101");
    REQUIRE(leaf != nullptr);
    CHECK(leaf->self_ns == 40000000);
    CHECK(leaf->self_samples == 3);
    CHECK(leaf->cum_ns == 40000000);
    CHECK(&s.functions[0] == leaf);  // the most flat first
    const CpuFunction* outer = named(s, "0x3300");
    REQUIRE(outer != nullptr);
    CHECK(outer->self_ns == 0);
    CHECK(outer->cum_ns == 40000000);
    CHECK(outer->cum_samples == 3);
    REQUIRE(s.kinds.size() == 2);  // no Thread records: a kind per tid
    CHECK(s.kinds[0].label == "thread 8");
    CHECK(s.kinds[0].cpu_ns == 30000000);
}

TEST_CASE("CPU profile: no CpuSamples records, no profile and no section", "[cpu]") {
    Log log;
    Symbolizer symbols({});
    CallSites sites(log, symbols);
    Analysis a;
    a.cpu = summarize_cpu_profile(log, sites, ThreadsSummary{});
    CHECK_FALSE(a.cpu.present);
    std::vector<Finding> none;
    std::ostringstream out;
    write_cpu_section(ReportInput{log, none, sites, 10, a}, out);
    CHECK(out.str().empty());
}

TEST_CASE("CPU profile: the text section lists flat, sum and cum, and the pc-only caveat", "[cpu]") {
    Log log = profile_log();
    Symbolizer symbols({});
    CallSites sites(log, symbols);
    Analysis a;
    a.cpu = summarize_cpu_profile(log, sites, ThreadsSummary{});
    std::vector<Finding> none;
    std::ostringstream out;
    write_cpu_section(ReportInput{log, none, sites, 10, a}, out);
    std::string text = out.str();
    CHECK(text.find("CPU profile (4 samples of each thread's CPU at 100 Hz, standing for 50.0 ms of CPU)") !=
          std::string::npos);
    CHECK(text.find("80.00%  80.00%") != std::string::npos);
    CHECK(text.find("1 of the samples have the interrupted function only, no callers (1 in the dynamic loader)") !=
          std::string::npos);
}

TEST_CASE("CPU profile: CPU estimated at threads' ends is counted apart and said", "[cpu]") {
    Log log = profile_log();
    log.cpu.samples.push_back({10, 500, 3, 30000000, shimlog::CpuSampleDepth::AtThreadEnd});
    Symbolizer symbols({});
    CallSites sites(log, symbols);
    Analysis a;
    a.cpu = summarize_cpu_profile(log, sites, ThreadsSummary{});
    CHECK(a.cpu.cpu_ns == 80000000);
    CHECK(a.cpu.at_thread_end_samples == 1);
    CHECK(a.cpu.at_thread_end_ns == 30000000);
    CHECK(a.cpu.pc_only_total() == 1);  // not a pc-only sample: its stack is a thread's newest or its start
    std::vector<Finding> none;
    std::ostringstream out;
    write_cpu_section(ReportInput{log, none, sites, 10, a}, out);
    CHECK(out.str().find("30.0 ms (37.5%) is CPU that 1 thread used after their timer's last signal") !=
          std::string::npos);
}
