// The disk budget (SHIM_MAX_LOG_MB): a program that allocates far more than
// the budget's worth of events. Its log stays near the budget: allocations
// turn to samples at 3/4 of it (the counts per site stay exact), events stop
// at the limit, the report says both, and the program never notices.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "analysis.h"
#include "harness.h"

using namespace harness;

namespace {

constexpr uint64_t kMiB = 1 << 20;
// The closing records (counters, threads, Budget, Window, End) may pass the
// limit: a few KiB for a program with a handful of call sites.
constexpr uint64_t kClosingSlack = 64 * 1024;

uint64_t file_size(const std::string& path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0 ? uint64_t(st.st_size) : 0;
}

// 5 rounds of 1,000,000 small and 20,000 big allocations, 1.2 s apart: the
// first round alone writes over 5 MiB of events when nothing is sampled; the
// pauses let checkpoints write the sampled events in between.
const char* const kArgs = " 5 1000000 20000 1200";
constexpr uint64_t kProgramAllocations = 5 * (1000000 + 20000);

// alloc_budget with `args`, bare and under the shim with `settings`: the same
// exit status (3) and output. The traced run, for more checks.
Result run_bare_and_traced(const std::string& settings, const std::string& args, const std::string& dir) {
    Result bare = run(program_path("alloc_budget") + args, dir);
    REQUIRE(bare.status == 3);
    Result traced = run(settings + " " + preload() + program_path("alloc_budget") + args, dir);
    CHECK(traced.status == bare.status);
    CHECK(traced.out == bare.out);
    return traced;
}

}  // namespace

TEST_CASE("disk budget crossed: sampling, then stop; the program's output and exit code unchanged",
          "[budget][integration]") {
    std::string dir = scratch_dir("budget_crossed");
    Result traced = run_bare_and_traced("SHIM_MAX_LOG_MB=1", kArgs, dir);
    CHECK(traced.err.empty());
    uint64_t size = file_size(dir + "/log.bin");
    CHECK(size > kMiB / 2);
    CHECK(size <= kMiB + kClosingSlack);

    Analysis a = analyze(dir + "/log.bin");
    const analyzer::BudgetInfo& b = a.log.budget;
    CHECK_FALSE(a.log.partial);
    CHECK(a.log.end.dropped == 0);  // what the budget left out is not "dropped"
    REQUIRE(b.present);
    CHECK(b.limit_bytes == kMiB);
    REQUIRE(b.sampled());
    REQUIRE(b.stopped());
    // Sampling began (one more chunk would have reached 3/4), sampled events
    // were written, then the events stopped short of the limit.
    CHECK(b.sampling_bytes < kMiB / 4 * 3);
    CHECK(b.stopped_bytes > b.sampling_bytes);
    CHECK(b.stopped_bytes <= kMiB);
    CHECK(b.stopped_ns > b.sampling_ns);
    CHECK(b.alloc_events_unwritten > 0);
    CHECK(b.records_unwritten > 0);
    // Counts stay exact through both: every allocation of the program, and
    // only a few of libc's own (stdout's buffer).
    const analyzer::AllocReport& allocs = a.run->analysis.allocs;
    CHECK(allocs.sampled());
    CHECK(allocs.allocations >= kProgramAllocations);
    CHECK(allocs.allocations <= kProgramAllocations + 16);
    CHECK(allocs.lost_frees == 0);

    Result report = run(analyzer_path() + " report log.bin", dir);
    REQUIRE(report.status == 0);
    CHECK(report.out.find("Budget:   disk budget 1 MiB (SHIM_MAX_LOG_MB): allocations sampled from ") != std::string::npos);
    CHECK(report.out.find(", recording stopped at ") != std::string::npos);
    CHECK(report.out.find("allocations are a sample: their counts per site stay exact") != std::string::npos);
    CHECK(report.out.find("only counts were kept") != std::string::npos);
    Result json = run(analyzer_path() + " report --format json log.bin", dir);
    REQUIRE(json.status == 0);
    CHECK(json.out.find("\"budget\"") != std::string::npos);
    CHECK(json.out.find("\"limit_bytes\":1048576") != std::string::npos);
}

// Four threads fill their buffers together: chunks of other threads, begun
// before the switch, are written after it. Sampling begins early enough for
// them to fit (their pending events are counted ahead), so every allocation
// is counted: by an exact event (sequence number before the switch) or in
// AllocCounts, never both.
TEST_CASE("disk budget with threads: the exact events before the switch still fit, the counts stay exact",
          "[budget][integration]") {
    std::string dir = scratch_dir("budget_threads");
    const std::string args = " 2 500000 0 0 4";
    run_bare_and_traced("SHIM_MAX_LOG_MB=6", args, dir);
    CHECK(file_size(dir + "/log.bin") <= 6 * kMiB + kClosingSlack);
    Analysis a = analyze(dir + "/log.bin");
    const analyzer::BudgetInfo& b = a.log.budget;
    REQUIRE(b.sampled());
    CHECK(b.sampling_bytes < 6 * kMiB / 4 * 3);
    CHECK(b.alloc_exact_unwritten == 0);
    const analyzer::AllocReport& allocs = a.run->analysis.allocs;
    CHECK(allocs.out_of_order == 0);
    CHECK(allocs.lost_frees == 0);
    // A thread between its check of the mode and its sequence number at the
    // switch writes one exact event read as a sample: at most one each.
    constexpr uint64_t kAllocations = 2 * 4 * 500000;
    CHECK(allocs.allocations + 4 >= kAllocations);
    CHECK(allocs.allocations <= kAllocations + 16);
}

TEST_CASE("disk budget with SHIM_PERIOD: each window has its own, and starts exact again", "[budget][windows][integration]") {
    std::string dir = scratch_dir("budget_windows");
    const std::string args = " 4 1000000 0 1300";
    run_bare_and_traced("SHIM_PERIOD=1 SHIM_MAX_LOG_MB=1", args, dir);
    int sampled_windows = 0, windows = 0;
    for (int n = 1; n < 20; ++n) {
        std::string path = dir + "/log.bin" + (n == 1 ? std::string() : ".w" + std::to_string(n));
        if (file_size(path) == 0) continue;
        INFO(path);
        windows++;
        CHECK(file_size(path) <= kMiB + kClosingSlack);
        Analysis a = analyze(path);
        CHECK_FALSE(a.log.partial);
        REQUIRE(a.log.budget.present);
        CHECK(a.log.budget.limit_bytes == kMiB);
        // A round's million allocations (5 MiB of events) in a window: sampled
        // from the window's own 3/4, after exact events of its own. A window
        // that stayed in the last one's sampling mode would have no switch.
        // Once a window was sampled the live-block table missed frees: every
        // later window's list of blocks live at its start says it is incomplete.
        if (windows > 1) {
            CHECK(a.log.live_at_start.present);
            if (sampled_windows > 0) CHECK(a.log.live_at_start.incomplete());
        }
        if (a.log.budget.sampled()) {
            sampled_windows++;
            CHECK(a.log.budget.sampling_seq > 1);
            CHECK(a.run->analysis.allocs.allocations > 0);
        }
    }
    CHECK(windows >= 3);
    CHECK(sampled_windows >= 3);
}

TEST_CASE("disk budget: 128 MiB by default with SHIM_PERIOD, none without", "[budget][integration]") {
    std::string dir = scratch_dir("budget_default");
    Result periodic = run("SHIM_PERIOD=60 " + preload() + program_path("alloc_budget") + " 1 1000 0 0", dir);
    CHECK(periodic.status == 3);
    Analysis a = analyze(dir + "/log.bin");
    REQUIRE(a.log.budget.present);
    CHECK(a.log.budget.limit_bytes == 128 * kMiB);
    CHECK_FALSE(a.log.budget.sampled());
    CHECK_FALSE(a.log.budget.stopped());
    Result plain = run(preload() + program_path("alloc_budget") + " 1 1000 0 0", dir);
    CHECK(plain.status == 3);
    CHECK_FALSE(analyze(dir + "/log.bin").log.budget.present);
    Result bad = run("SHIM_MAX_LOG_MB=lots " + preload() + program_path("alloc_budget") + " 1 1000 0 0", dir);
    CHECK(bad.status == 3);
    CHECK(bad.err.find("SHIM_MAX_LOG_MB=lots is not a number of MiB") != std::string::npos);
    CHECK_FALSE(analyze(dir + "/log.bin").log.budget.present);
}
