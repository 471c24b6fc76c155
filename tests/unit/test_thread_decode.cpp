// Thread and SampleChunk records: round trip, zstd, and malformed chunks.
#include <catch2/catch.hpp>

#include "../../analyzer/decode/decode.h"
#include "log_builder.h"

using analyzer::decode_log;
using testlog::LogBuilder;
using Tag = shimlog::SampleTag;

namespace {

LogBuilder started() {
    LogBuilder b;
    b.process(7, "/bin/prog", std::string("prog\0", 5));
    return b;
}

std::vector<LogBuilder::SampleEvent> three_events() {
    return {{Tag::Tick, 5000000, 4000000}, {Tag::ThreadCpu, 7, 4000000}, {Tag::Tick, 1000000, 2000000}};
}

}  // namespace

TEST_CASE("a thread record decodes to its fields", "[decode][threads]") {
    shimlog::ThreadRecord t{};
    t.tid = 8;
    t.parent_tid = 7;
    t.create_stack = 3;
    t.end = static_cast<uint8_t>(shimlog::ThreadEnd::Cancelled);
    t.start_routine = 0x401234;
    t.create_ticks = 6000;
    t.start_ticks = 6100;
    t.end_ticks = 9000;
    t.cpu_ns = 1234;
    t.join_wait_ticks = 55;
    t.joins = 2;
    analyzer::Log log = decode_log(started().thread(t).end(11000, 15000, 0).bytes(), "t");
    CHECK_FALSE(log.partial);
    REQUIRE(log.threads.size() == 1);
    const analyzer::ThreadInfo& got = log.threads[0];
    CHECK(got.tid == 8);
    CHECK(got.parent_tid == 7);
    CHECK(got.create_stack == 3);
    CHECK(got.end == shimlog::ThreadEnd::Cancelled);
    CHECK_FALSE(got.is_main);
    CHECK(got.start_routine == 0x401234);
    CHECK(got.start_ticks == 6100);
    CHECK(got.cpu_ns == 1234);
    CHECK(got.joins == 2);
}

namespace {

shimlog::ThreadRecord short_thread(uint32_t tid, uint64_t routine, shimlog::ThreadCpu source, uint64_t cpu_ns) {
    shimlog::ThreadRecord t{};
    t.tid = tid;
    t.create_stack = 3;
    t.start_routine = routine;
    t.start_ticks = 6000;
    t.end_ticks = 6100;
    t.cpu_source = static_cast<uint8_t>(source);
    t.cpu_ns = cpu_ns;
    return t;
}

}  // namespace

TEST_CASE("short threads whose clocks were not read get their kind's sampled mean", "[decode][threads]") {
    using shimlog::ThreadCpu;
    analyzer::Log log = decode_log(started()
                                       .thread(short_thread(8, 0x1000, ThreadCpu::ReadSample, 4000))
                                       .thread(short_thread(9, 0x1000, ThreadCpu::ReadSample, 8000))
                                       .thread(short_thread(10, 0x1000, ThreadCpu::NotRead, 0))
                                       .thread(short_thread(11, 0x2000, ThreadCpu::ReadSample, 30000))
                                       .thread(short_thread(12, 0x2000, ThreadCpu::NotRead, 0))
                                       .thread(short_thread(13, 0x3000, ThreadCpu::NotRead, 0))
                                       .thread(short_thread(14, 0x1000, ThreadCpu::Read, 900000))
                                       .end(11000, 15000, 0)
                                       .bytes(),
                                   "t");
    REQUIRE(log.threads.size() == 7);
    CHECK(log.threads[2].cpu_estimated());
    CHECK(log.threads[2].cpu_ns == 6000);   // the mean of its kind's sample; the long-lived one is no sample
    CHECK(log.threads[4].cpu_ns == 30000);  // another kind, another mean
    CHECK(log.threads[5].cpu_ns == 14000);  // a kind never sampled: the mean of all samples
    CHECK_FALSE(log.threads[0].cpu_estimated());
    CHECK(log.threads[6].cpu_ns == 900000);
}

TEST_CASE("with no sample at all, an unread thread's CPU is its lifetime", "[decode][threads]") {
    analyzer::Log log = decode_log(
        started().thread(short_thread(8, 0x1000, shimlog::ThreadCpu::NotRead, 0)).end(11000, 15000, 0).bytes(), "t");
    REQUIRE(log.threads.size() == 1);
    REQUIRE(log.ticks_calibrated);
    CHECK(log.threads[0].cpu_ns > 0);
    CHECK(log.threads[0].cpu_ns <= 1000);  // 100 ticks of a clock that runs no faster than 1 per 10 ns here
}

TEST_CASE("a thread record with an unknown CPU source marks the log partial", "[decode][threads]") {
    shimlog::ThreadRecord t = short_thread(8, 0x1000, shimlog::ThreadCpu::Read, 1);
    t.cpu_source = 7;
    analyzer::Log log = decode_log(started().thread(t).end(11000, 15000, 0).bytes(), "t");
    CHECK(log.partial);
    CHECK(log.partial_reason.find("unknown CPU source 7") != std::string::npos);
    CHECK(log.threads.empty());
}

TEST_CASE("sample chunks decode, plain and zstd, onto one clock", "[decode][threads]") {
    bool zstd = GENERATE(false, true);
    analyzer::Log log = decode_log(
        started().samples(1000, three_events(), zstd).samples(1000 + 6000000, {{Tag::Tick, 1000000, 0}}, zstd)
            .end(8000000, 8000000, 0).bytes(),
        "s");
    CHECK_FALSE(log.partial);
    REQUIRE(log.samples.ticks.size() == 3);
    CHECK(log.samples.ticks[0].end_ns == 1000 + 5000000);
    CHECK(log.samples.ticks[0].dt_ns == 5000000);
    CHECK(log.samples.ticks[0].cpu_ns == 4000000);
    CHECK(log.samples.ticks[1].end_ns == 1000 + 6000000);
    CHECK(log.samples.ticks[2].end_ns == 1000 + 7000000);
    REQUIRE(log.samples.thread_cpu.size() == 1);
    CHECK(log.samples.thread_cpu[0].tid == 7);
    CHECK(log.samples.thread_cpu[0].at_ns == 1000 + 5000000);  // at the latest tick
    CHECK(log.samples.interval_us == 1000);
    CHECK(log.samples.chunks == 2);
}

TEST_CASE("run-queue waits decode; tags from a later shim are skipped", "[decode][threads]") {
    analyzer::Log log = decode_log(
        started().samples(1000, {{Tag::Tick, 5000000, 4000000}, {Tag::ThreadWait, 7, 2500000}, {Tag(9), 1, 1},
                                 {Tag::ThreadCpu, 7, 3000000}})
            .end(8000000, 8000000, 0).bytes(),
        "w");
    CHECK_FALSE(log.partial);
    REQUIRE(log.samples.thread_wait.size() == 1);
    CHECK(log.samples.thread_wait[0].tid == 7);
    CHECK(log.samples.thread_wait[0].cpu_ns == 2500000);
    CHECK(log.samples.thread_wait[0].at_ns == 1000 + 5000000);
    CHECK(log.samples.thread_cpu.size() == 1);
}

TEST_CASE("malformed sample chunks mark the log partial", "[decode][threads]") {
    SECTION("more events counted than its bytes can hold") {
        shimlog::SampleChunkRecord rec{};
        rec.event_count = 100;
        rec.raw_size = 6;
        analyzer::Log log =
            decode_log(started().record(shimlog::RecordType::SampleChunk, rec, std::string(6, '\1')).bytes(), "x");
        CHECK(log.partial);
        CHECK(log.partial_reason.find("more events than fit") != std::string::npos);
    }
    SECTION("a raw size over the bound is refused before decompressing") {
        shimlog::SampleChunkRecord rec{};
        rec.raw_size = shimlog::kMaxChunkRawSize + 1;
        rec.compression = static_cast<uint8_t>(shimlog::Compression::Zstd);
        analyzer::Log log = decode_log(started().record(shimlog::RecordType::SampleChunk, rec, "xx").bytes(), "x");
        CHECK(log.partial);
        CHECK(log.partial_reason.find("larger than") != std::string::npos);
    }
    SECTION("a zstd frame that is not one") {
        shimlog::SampleChunkRecord rec{};
        rec.raw_size = 3;
        rec.event_count = 1;
        rec.compression = static_cast<uint8_t>(shimlog::Compression::Zstd);
        analyzer::Log log = decode_log(started().record(shimlog::RecordType::SampleChunk, rec, "garbage").bytes(), "x");
        CHECK(log.partial);
    }
    SECTION("a varint cut short") {
        shimlog::SampleChunkRecord rec{};
        rec.raw_size = 3;
        rec.event_count = 1;
        std::string bytes("\x01\x80\x80", 3);
        analyzer::Log log = decode_log(started().record(shimlog::RecordType::SampleChunk, rec, bytes).bytes(), "x");
        CHECK(log.partial);
        CHECK(log.partial_reason.find("cut short") != std::string::npos);
    }
    SECTION("a thread record too short, or with an unknown ending") {
        shimlog::ThreadRecord t{};
        t.end = 9;
        analyzer::Log log = decode_log(started().thread(t).bytes(), "x");
        CHECK(log.partial);
        CHECK(log.threads.empty());
        std::string cut = started().bytes();
        shimlog::RecordHeader rh{static_cast<uint16_t>(shimlog::RecordType::Thread), 0, 4};
        cut.append(reinterpret_cast<char*>(&rh), sizeof rh).append(4, '\0');
        CHECK(decode_log(cut, "x").partial);
    }
}
