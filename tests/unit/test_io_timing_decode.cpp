// IoSite's timing trailer: how many calls the shim timed, read back, and the
// unbuffered-I/O finding saying its time is an estimate when it was sampled.
#include <catch2/catch.hpp>

#include "../../analyzer/pipeline.h"
#include "../../analyzer/symbols/call_sites.h"
#include "../../analyzer/decode/decode.h"
#include "../../analyzer/findings/rules.h"
#include "log_builder.h"

using analyzer::decode_log;
using testlog::LogBuilder;

namespace {

shimlog::IoSiteRecord one_byte_reads(uint64_t calls, shimlog::Syscall syscall = shimlog::Syscall::read) {
    shimlog::IoSiteRecord io{};
    io.file_id = 1;
    io.site = 0x401000;
    io.syscall = static_cast<uint8_t>(syscall);
    io.calls = calls;
    io.bytes_requested = calls;
    io.bytes_done = calls;
    io.histogram[1] = calls;
    io.sequential = io.consecutive = calls;  // a byte at a time, in order (not scattered re-reads)
    io.ticks = 2 * calls * 1000;  // 1 us a call at 2 ticks per ns (the End below)
    return io;
}

std::string timing(uint64_t timed_calls) {
    shimlog::IoSiteTiming t{timed_calls};
    return std::string(reinterpret_cast<const char*>(&t), sizeof t);
}

analyzer::Log decode(const shimlog::IoSiteRecord& io, const std::string& trailer) {
    shimlog::FileRecord file{};
    file.file_id = 1;
    file.fd = 3;
    file.kind = static_cast<uint8_t>(shimlog::FileKind::Regular);
    file.path_len = 8;
    return decode_log(LogBuilder()
                          .process(42, "/bin/prog", std::string("prog\0", 5))
                          .record(shimlog::RecordType::File, file, "/in.data")
                          .record(shimlog::RecordType::IoSite, io, trailer)
                          .end(1000 + 2000000000, 5000 + 4000000000, 0)
                          .bytes(),
                      "t");
}

}  // namespace

TEST_CASE("an I/O entry says how many of its calls were timed", "[decode][io]") {
    analyzer::Log sampled = decode(one_byte_reads(100000), timing(1500));
    REQUIRE(sampled.io_sites.size() == 1);
    CHECK(sampled.io_sites[0].calls == 100000);
    CHECK(sampled.io_sites[0].untimed_calls == 98500);
    CHECK(sampled.io_sites[0].time_ns == 100000000);

    analyzer::Log all = decode(one_byte_reads(100000), timing(100000));
    CHECK(all.io_sites[0].untimed_calls == 0);
}

TEST_CASE("a log from before the timing sample has every call timed", "[decode][io]") {
    analyzer::Log old = decode(one_byte_reads(100000), "");
    REQUIRE(old.io_sites.size() == 1);
    CHECK(old.io_sites[0].untimed_calls == 0);
    CHECK(old.io_sites[0].time_ns == 100000000);
}

TEST_CASE("stdio calls, never timed, are not called a sample", "[decode][io]") {
    analyzer::Log log = decode(one_byte_reads(5000, shimlog::Syscall::fgets), timing(0));
    REQUIRE(log.io_sites.size() == 1);
    CHECK(log.io_sites[0].untimed_calls == 0);
}

TEST_CASE("the unbuffered-I/O finding says when its time is estimated", "[rules][io]") {
    for (uint64_t timed : {uint64_t(1500), uint64_t(100000)}) {
        analyzer::Log log = decode(one_byte_reads(100000), timing(timed));
        analyzer::Symbolizer symbols({});
        analyzer::CallSites sites(log, symbols);
        analyzer::Thresholds limits;
        analyzer::Analysis analysis = analyzer::analyze_with_limits(log, sites, analyzer::AllocReport{}, limits);
        std::vector<analyzer::Finding> found = analyzer::find_unbuffered_io({log, analysis, sites, limits});
        REQUIRE(found.size() == 1);
        std::string evidence;
        for (const std::string& line : found[0].evidence) evidence += line + "\n";
        INFO(evidence);
        bool says = evidence.find("100 ms inside these calls (wall time, estimated from a sample of 1,500 "
                                  "of 100,000 calls)") != std::string::npos;
        CHECK(says == (timed < 100000));
        CHECK(evidence.find("inside these calls") != std::string::npos);
    }
}
