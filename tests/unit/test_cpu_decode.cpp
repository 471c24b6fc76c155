// CpuSamples records: round trip, weights, and malformed batches.
#include <catch2/catch.hpp>

#include "../../analyzer/decode/decode.h"
#include "log_builder.h"

using analyzer::decode_log;
using testlog::LogBuilder;
using Depth = shimlog::CpuSampleDepth;

namespace {

LogBuilder started() {
    LogBuilder b;
    b.process(7, "/bin/prog", std::string("prog\0", 5));
    return b;
}

}  // namespace

TEST_CASE("CPU samples decode to tid, ticks, stack, weight and depth", "[decode][cpu]") {
    LogBuilder b = started();
    b.stack(1, {0x401001, 0x402002});
    b.cpu_samples(8, 10000000, {{6000, 1}, {6500, 1, 3}, {7000, 0, 1, Depth::InLoader}}, 2);
    b.cpu_samples(9, 10000000, {{6200, 1}});
    analyzer::Log log = decode_log(b.end(11000, 15000, 0).bytes(), "t");
    CHECK_FALSE(log.partial);
    REQUIRE(log.cpu.samples.size() == 4);
    CHECK(log.cpu.present());
    CHECK(log.cpu.period_ns == 10000000);
    CHECK(log.cpu.dropped == 2);
    CHECK(log.cpu.batches == 2);
    const analyzer::CpuSample& second = log.cpu.samples[1];
    CHECK(second.tid == 8);
    CHECK(second.ticks == 6500);
    CHECK(second.stack_id == 1);
    CHECK(second.weight_ns == 30000000);
    CHECK(second.depth == Depth::Full);
    CHECK(log.cpu.samples[2].depth == Depth::InLoader);
    CHECK(log.cpu.samples[2].stack_id == 0);
    CHECK(log.cpu.samples[3].tid == 9);
}

TEST_CASE("a log without CPU samples has an empty profile", "[decode][cpu]") {
    analyzer::Log log = decode_log(started().end(11000, 15000, 0).bytes(), "t");
    CHECK_FALSE(log.cpu.present());
    CHECK(log.cpu.samples.empty());
}

TEST_CASE("a malformed CPU samples batch is a clear decode error", "[decode][cpu]") {
    auto decoded = [](shimlog::CpuSamplesRecord rec, const std::string& raw) {
        LogBuilder b = started();
        b.record(shimlog::RecordType::CpuSamples, rec, raw);
        return decode_log(b.end(11000, 15000, 0).bytes(), "t");
    };
    shimlog::CpuSamplesRecord rec{};
    rec.tid = 8;
    rec.period_ns = 1000;
    SECTION("an unknown depth byte") {
        rec.count = 1;
        rec.raw_size = 4;
        analyzer::Log log = decoded(rec, std::string("\x01\x01\x01\x09", 4));
        CHECK(log.partial);
        CHECK(log.partial_reason.find("CPU samples: a sample of unknown depth 9") != std::string::npos);
        CHECK(log.cpu.samples.empty());
    }
    SECTION("more samples counted than fit") {
        rec.count = 5;
        rec.raw_size = 4;
        analyzer::Log log = decoded(rec, std::string("\x01\x01\x01\x00", 4));
        CHECK(log.partial_reason.find("more samples than fit") != std::string::npos);
    }
    SECTION("a cut-short sample") {
        rec.count = 2;
        rec.raw_size = 8;
        analyzer::Log log = decoded(rec, std::string("\x01\x01\x01\x00\x01\x01\x80\x80", 8));
        CHECK(log.partial_reason.find("cut short") != std::string::npos);
    }
    SECTION("zero expiries") {
        rec.count = 1;
        rec.raw_size = 4;
        analyzer::Log log = decoded(rec, std::string("\x01\x01\x00\x00", 4));
        CHECK(log.partial_reason.find("no timer expiry") != std::string::npos);
    }
    SECTION("a size that does not match") {
        rec.count = 1;
        rec.raw_size = 6;
        analyzer::Log log = decoded(rec, std::string("\x01\x01\x01\x00", 4));
        CHECK(log.partial_reason.find("does not match") != std::string::npos);
    }
}
