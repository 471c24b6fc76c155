// The shim times a sample of a busy entry's read/write calls: counts stay
// exact, the time is an estimate and the report says so; an entry's first
// calls, and slow calls, are all timed.
#include <catch2/catch.hpp>

#include "analysis.h"
#include "harness.h"

using namespace harness;

namespace {

const uint64_t kBookBytes = 1270330;

const analyzer::IoSite* read_site_on(const Analysis& a, const std::string& suffix) {
    const analyzer::IoSite* best = nullptr;
    for (const analyzer::IoSite& site : a.log.io_sites) {
        const analyzer::FileInfo* file = a.log.file(site.file_id);
        if (file == nullptr || site.syscall != shimlog::Syscall::read) continue;
        if (file->path.size() < suffix.size() || file->path.compare(file->path.size() - suffix.size(), suffix.size(), suffix) != 0)
            continue;
        if (best == nullptr || site.calls > best->calls) best = &site;
    }
    return best;
}

}  // namespace

TEST_CASE("a million one-byte reads are counted exactly and timed in a sample", "[words][io][integration]") {
    std::string dir = scratch_dir("timing_sample_unbuffered");
    REQUIRE(run(preload() + words_path() + " --mode unbuffered " + book_path(), dir).status == 0);
    Analysis a = analyze(dir + "/log.bin");
    const analyzer::IoSite* site = read_site_on(a, "moby.txt");
    REQUIRE(site != nullptr);
    CHECK(site->calls == kBookBytes + 1);
    CHECK(site->bytes_done == kBookBytes);
    CHECK(site->histogram[1] == kBookBytes);
    uint64_t timed = site->calls - site->untimed_calls;
    CHECK(timed >= 64);                // the first calls are all timed
    CHECK(timed < site->calls / 10);   // then a sample
    CHECK(site->time_ns > 0);
    CHECK(site->max_ns > 0);

    const analyzer::Finding* f = a.finding("unbuffered-io");
    REQUIRE(f != nullptr);
    bool says_estimate = false;
    for (const std::string& line : f->evidence)
        says_estimate = says_estimate || line.find("estimated from a sample of " ) != std::string::npos;
    CHECK(says_estimate);

    Result report = run(analyzer_path() + " report log.bin", dir);
    REQUIRE(report.status == 0);
    CHECK(report.out.find("time in calls estimated from a sample of ") != std::string::npos);
}

TEST_CASE("an entry with few calls has every call timed", "[words][io][integration]") {
    std::string dir = scratch_dir("timing_sample_buffered");
    REQUIRE(run(preload() + words_path() + " --mode buffered " + book_path(), dir).status == 0);
    Analysis a = analyze(dir + "/log.bin");
    uint64_t bytes = 0, calls = 0;  // the refills are made at two call sites
    for (const analyzer::IoSite& site : a.log.io_sites) {
        const analyzer::FileInfo* file = a.log.file(site.file_id);
        if (file == nullptr || file->path.find("moby.txt") == std::string::npos) continue;
        bytes += site.bytes_done;
        calls += site.calls;
        CHECK(site.untimed_calls == 0);
    }
    CHECK(bytes == kBookBytes);
    CHECK(calls > 0);
    CHECK(calls < 64);  // a 64 KiB buffer's refills
    Result report = run(analyzer_path() + " report log.bin", dir);
    CHECK(report.out.find("estimated from a sample") == std::string::npos);
}

TEST_CASE("reads that wait (here on a slow pipe) are all timed", "[io][integration]") {
    std::string dir = scratch_dir("timing_sample_slow");
    // 150 lines, 2 ms apart: every other one-byte read waits for the writer.
    Result r = run("i=0; while [ $i -lt 150 ]; do echo x; sleep 0.002; i=$((i+1)); done | " + preload() +
                       words_path() + " -",
                   dir);
    REQUIRE(r.status == 0);
    Analysis a = analyze(dir + "/log.bin");
    const analyzer::IoSite* busiest = nullptr;
    for (const analyzer::IoSite& site : a.log.io_sites)
        if (site.syscall == shimlog::Syscall::read && (busiest == nullptr || site.calls > busiest->calls))
            busiest = &site;
    REQUIRE(busiest != nullptr);
    CHECK(busiest->calls == 301);  // 2 bytes a line, then EOF
    CHECK(busiest->untimed_calls == 0);
}
