// The unbuffered-I/O rule on hand-made models: its thresholds and figures.
#include <catch2/catch.hpp>

#include "../../analyzer/pipeline.h"
#include "../../analyzer/symbols/call_sites.h"
#include "../../analyzer/findings/rules.h"

using namespace analyzer;

namespace {

Log log_with_site(uint64_t calls, unsigned bucket, uint64_t bytes_per_call) {
    Log log;
    log.end.present = true;
    log.end.end_ns = 2000000000;
    log.ticks_calibrated = true;
    FileInfo file;
    file.id = 1;
    file.path = "/data/in.txt";
    log.files[1] = file;
    IoSite site;
    site.file_id = 1;
    site.site = 0x1234;
    site.calls = calls;
    site.bytes_done = calls * bytes_per_call;
    site.histogram[bucket] = calls;
    site.time_ns = 1000000000;
    log.io_sites.push_back(site);
    return log;
}

std::vector<Finding> run_rule(const Log& log, Thresholds limits = {}) {
    Symbolizer symbols({});
    CallSites sites(log, symbols);
    Analysis analysis = analyze_with_limits(log, sites, AllocReport{}, limits);
    return find_unbuffered_io({log, analysis, sites, limits});
}

}  // namespace

TEST_CASE("many one-byte reads are flagged with their figures", "[rules]") {
    Log log = log_with_site(100000, 1, 1);
    std::vector<Finding> found = run_rule(log);
    REQUIRE(found.size() == 1);
    CHECK(found[0].kind == "unbuffered-io");
    CHECK(found[0].figures.at("calls") == 100000);
    CHECK(found[0].figures.at("average_bytes") == 1.0);
    CHECK(found[0].figures.at("calls_with_buffer") == 2);  // 100,000 B in one 64 KiB read + EOF
    CHECK(found[0].figures.at("share_of_wall_time") == Approx(0.5));
    CHECK(found[0].title.find("/data/in.txt") != std::string::npos);
    CHECK(found[0].cost_ns == 1000000000);
}

TEST_CASE("below the call threshold nothing is flagged", "[rules]") {
    CHECK(run_rule(log_with_site(999, 1, 1)).empty());
    CHECK(run_rule(log_with_site(1000, 1, 1)).size() == 1);
    Thresholds strict;
    strict.io_min_calls = 5000;
    CHECK(run_rule(log_with_site(1000, 1, 1), strict).empty());
}

TEST_CASE("large transfers are not flagged however many", "[rules]") {
    CHECK(run_rule(log_with_site(100000, 5, 65536)).empty());  // 64 KiB each
    CHECK(run_rule(log_with_site(100000, 4, 4096)).empty());   // 4 KiB each: above 512 B
}

TEST_CASE("the small-size threshold follows the histogram's edges", "[rules]") {
    Thresholds tiny;
    tiny.io_small_bytes = 16;
    CHECK(run_rule(log_with_site(5000, 3, 100), tiny).empty());  // 100 B is not <= 16 B
    CHECK(run_rule(log_with_site(5000, 2, 10), tiny).size() == 1);
}

// Found by the fuzzer: an untrusted log's figures made the cost estimate of
// the unseen-I/O finding overflow uint64_t (undefined behaviour); it saturates.
TEST_CASE("unseen I/O: a cost past uint64_t saturates", "[io][rules]") {
    Log log;
    log.kernel_io.present = true;
    log.kernel_io.write_calls = 10000000000000000000ull;
    log.kernel_io.write_bytes = 10000000000000000000ull;
    IoSite hooked;
    hooked.syscall = shimlog::Syscall::write;
    hooked.calls = 1;
    hooked.time_ns = UINT64_MAX;
    log.io_sites = {hooked};
    Symbolizer symbols({});
    CallSites sites(log, symbols);
    Thresholds limits;
    Analysis analysis = analyze_with_limits(log, sites, AllocReport{}, limits);
    std::vector<Finding> found = find_unseen_unbuffered_io({log, analysis, sites, limits});
    REQUIRE(found.size() == 1);
    CHECK(found[0].cost_ns == UINT64_MAX);
}
