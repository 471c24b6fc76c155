// The CPU profile in the findings: the cpu-hotspot rule's thresholds and
// advice, and the code a phase names from the samples in its time range.
#include <catch2/catch.hpp>

#include "../../analyzer/findings/phase_evidence.h"
#include "../../analyzer/findings/rules.h"

using namespace analyzer;

namespace {

// The program's own code at 0x1000-0x3000 (no file to open: named by offset).
Log program_log(size_t hot_samples, size_t other_samples) {
    Log log;
    log.process.exe = "/nonexistent/prog";
    log.modules.push_back({0x1000, 0x3000, 0x1000, "/nonexistent/prog", ""});
    log.ticks_calibrated = true;
    log.ns_per_tick = 1;
    log.stacks[1] = {0x1101, 0x2201};  // hot, called from its caller
    log.stacks[2] = {0x1801, 0x2201};
    log.cpu.period_ns = 10000000;
    log.cpu.batches = 1;
    for (size_t i = 0; i < hot_samples; ++i) log.cpu.samples.push_back({8, 1000 + i, 1, 10000000});
    for (size_t i = 0; i < other_samples; ++i) log.cpu.samples.push_back({8, 5000 + i, 2, 10000000});
    return log;
}

struct Run {
    Log log;
    Symbolizer symbols{{}};
    CallSites sites{log, symbols};
    Analysis analysis;
    explicit Run(Log l) : log(std::move(l)), symbols(log.modules), sites(log, symbols) {
        analysis.cpu = summarize_cpu_profile(log, sites, ThreadsSummary{});
    }
};

}  // namespace

TEST_CASE("cpu-hotspot: a function over --cpu-min-share of the samples, the work itself", "[cpu][rules]") {
    Run run(program_log(80, 20));
    Thresholds limits;
    std::vector<Finding> found = find_cpu_hotspots(RuleInput{run.log, run.analysis, run.sites, limits});
    REQUIRE(found.size() == 2);  // 80%, and the other at exactly 20%: at the threshold counts
    CHECK(found[0].kind == "cpu-hotspot");
    CHECK(found[0].title.find("80.0% of the sampled CPU in") != std::string::npos);
    CHECK(found[0].advice.find("This is the work itself") != std::string::npos);
    CHECK(found[0].figures["self_share"] == Approx(0.8));
    REQUIRE(found[0].stack.size() == 2);  // the function and its main caller
}

TEST_CASE("cpu-hotspot: too few samples or too small a share raise nothing", "[cpu][rules]") {
    Thresholds limits;
    Run few(program_log(30, 10));
    CHECK(find_cpu_hotspots(RuleInput{few.log, few.analysis, few.sites, limits}).empty());
    limits.cpu_min_share = 0.9;
    Run spread(program_log(80, 20));
    CHECK(find_cpu_hotspots(RuleInput{spread.log, spread.analysis, spread.sites, limits}).empty());
}

TEST_CASE("cpu-hotspot: a syscall wrapper's hot spot points at the unbuffered-I/O finding", "[cpu][rules]") {
    std::vector<Finding> findings(2);
    findings[0].kind = "cpu-hotspot";
    findings[0].figures["syscall_wrapper"] = 1;
    findings[0].advice = "Make fewer, larger calls.";
    findings[1].kind = "unbuffered-io";
    link_cpu_hotspots(findings);
    CHECK(findings[0].advice.find("The unbuffered-I/O finding names the calls to buffer") != std::string::npos);
}

TEST_CASE("phases: a phase names what its thread ran from the samples in it", "[cpu][phases]") {
    Run run(program_log(80, 20));  // hot samples at ticks 1000.., the others at 5000..
    Phase early, late, none;
    early.start_ns = 0, early.end_ns = 2000;
    late.start_ns = 4000, late.end_ns = 6000;
    none.start_ns = 10000, none.end_ns = 20000;
    std::string text = code_context(run.log, run.analysis.cpu, 8, "the main thread", {&early});
    CHECK(text.find("the main thread was in ") != std::string::npos);
    CHECK(text.find("prog+0x") != std::string::npos);
    CHECK(text.find("(100.0% of its 80 CPU samples there)") != std::string::npos);
    std::string later = code_context(run.log, run.analysis.cpu, 8, "the main thread", {&late});
    CHECK(later.find("(100.0% of its 20 CPU samples there)") != std::string::npos);
    CHECK(later != text);
    CHECK(code_context(run.log, run.analysis.cpu, 8, "t", {&none}).empty());  // no samples: the I/O line stays
    CHECK(code_context(run.log, run.analysis.cpu, 9, "t", {&early}).empty());  // another thread's
}

TEST_CASE("cpu-hotspot: libc's lock code points at the lock-contention finding, ranked after it", "[cpu][rules][waits]") {
    std::vector<Finding> findings(3);
    findings[0].kind = "cpu-hotspot";
    findings[0].figures["lock_code"] = 1;
    findings[0].advice = "Contend less.";
    findings[1].kind = "cpu-hotspot";  // the work under the lock: not the lock's
    findings[1].figures["lock_code"] = 0;
    findings[2].kind = "lock-contention";
    link_cpu_hotspots(findings);
    CHECK(findings[0].follows == "lock-contention");
    CHECK(findings[0].advice.find("The lock-contention finding names the lock") != std::string::npos);
    CHECK(findings[1].follows.empty());
}
