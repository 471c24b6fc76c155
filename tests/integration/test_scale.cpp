// Scale: a long two-thread run making tens of millions of allocation events.
// The shim's memory stays flat while its events grow, every event reaches
// the log, and the analyzer streams the log in memory far below its size.
#include <catch2/catch.hpp>

#include <map>
#include <sstream>
#include <sys/stat.h>

#include "../../analyzer/analysis/alloc_analysis.h"
#include "../../analyzer/decode/decode.h"
#include "harness.h"

using namespace harness;

namespace {

std::map<std::string, long> tallies(const std::string& out) {
    std::map<std::string, long> values;
    std::istringstream in(out);
    std::string name;
    long value;
    while (in >> name >> value) values[name] = value;
    return values;
}

long file_kb(const std::string& path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0 ? long(st.st_size / 1024) : -1;
}

}  // namespace

TEST_CASE("a long run: flat shim memory, every event logged, the log streamed", "[scale][integration]") {
    const std::string dir = scratch_dir("scale");
    const std::string log = dir + "/log.bin";
    long program_peak_kb = 0;
    Result traced = run_measured("env LD_PRELOAD=" + shim_path() + " SHIM_LOG=" + log + " " + program_path("soak") + " 6 2",
                                 dir, program_peak_kb);
    REQUIRE(traced.status == 0);
    std::map<std::string, long> program = tallies(traced.out);
    INFO(traced.out);
    REQUIRE(program["allocations"] > 1000000);  // a run long enough to mean something

    // Three quarters of the events came after the first reading: the shim's
    // buffers are recycled, so its memory does not follow them.
    CHECK(program["rss_kb_end"] - program["rss_kb_quarter"] < 8 * 1024);
    CHECK(program_peak_kb < 64 * 1024);

    analyzer::Log decoded = analyzer::decode_log_file(log);
    CHECK_FALSE(decoded.partial);
    CHECK(decoded.end.dropped == 0);
    analyzer::AllocReport allocs = analyzer::analyze_allocations(decoded);
    CHECK(allocs.consistent());
    // The program's own, plus the few the C library and thread start-up make.
    CHECK(allocs.allocations >= uint64_t(program["allocations"]));
    CHECK(allocs.allocations <= uint64_t(program["allocations"]) + 100);
    CHECK(allocs.frees >= uint64_t(program["frees"]));
    CHECK(allocs.peak_bytes < 64u << 20);  // 2 x 4096 live blocks of at most 4 KiB, and the runtime's

    // The analyzer maps the log and gives pages back as it goes.
    long analyzer_peak_kb = 0;
    Result report = run_measured(analyzer_path() + " report " + log, dir, analyzer_peak_kb);
    REQUIRE(report.status == 0);
    long log_kb = file_kb(log);
    INFO("log " << log_kb << " KiB, analyzer peak " << analyzer_peak_kb << " KiB");
    CHECK(report.out.find("Allocations") != std::string::npos);
    CHECK(analyzer_peak_kb < 128 * 1024);
    CHECK(analyzer_peak_kb < log_kb / 2);
    std::remove(log.c_str());
}

// Thread records are written out and their memory reused once 512 KiB of them
// wait (passing_records.h): ten times the threads, the same memory.
TEST_CASE("a storm of threads: the shim's memory does not grow with their number", "[scale][integration]") {
    const std::string dir = scratch_dir("scale_threads");
    const std::string log = dir + "/log.bin";
    long peak_kb[2] = {};
    const int counts[2] = {4000, 40000};
    for (int i = 0; i < 2; ++i) {
        std::string n = std::to_string(counts[i]);
        Result r = run_measured("env LD_PRELOAD=" + shim_path() + " SHIM_LOG=" + log + " " +
                                    program_path("thread_storm") + " " + n, dir, peak_kb[i]);
        REQUIRE(r.status == 0);
        CHECK(r.out == n + " threads\n");
        analyzer::Log decoded = analyzer::decode_log_file(log);
        CHECK_FALSE(decoded.partial);
        CHECK(decoded.end.dropped == 0);
        CHECK(decoded.threads.size() == size_t(counts[i]) + 1);  // and the main thread
    }
    INFO("peak RSS " << peak_kb[0] << " KiB with " << counts[0] << " threads, " << peak_kb[1] << " KiB with "
                     << counts[1]);
    CHECK(peak_kb[1] - peak_kb[0] < 1536);  // 36,000 more records are 3 MiB
    std::remove(log.c_str());
}
