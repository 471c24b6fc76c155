// Allocation events: decoding chunks (raw and zstd), replaying them in
// sequence order across threads, and the decoder's defences.
#include <catch2/catch.hpp>

#include <sstream>

#include "../../analyzer/pipeline.h"
#include "../../analyzer/analysis/alloc_analysis.h"
#include "../../analyzer/decode/decode.h"
#include "../../analyzer/views/report.h"
#include "log_builder.h"

using analyzer::AllocReport;
using analyzer::decode_log;
using testlog::AllocEvents;
using testlog::LogBuilder;

namespace {

// A log around the given chunks: process, two stacks, chunks, end. The clock
// runs at 2 ticks per ns from start_ticks 5000 (see LogBuilder::process).
LogBuilder& start(LogBuilder& b) {
    return b.process(7, "/bin/prog", std::string("prog\0", 5)).stack(1, {0x1000, 0x2000}).stack(2, {0x1100, 0x2000});
}

std::string log_of(const std::vector<std::pair<uint32_t, AllocEvents>>& chunks, bool zstd = false) {
    LogBuilder b;
    start(b);
    for (const auto& chunk : chunks) b.alloc_chunk(chunk.first, chunk.second, zstd);
    b.end(1000 + 10000000, 5000 + 20000000, 0);
    return b.bytes();
}

AllocReport replay(const std::string& bytes, bool expect_partial = false) {
    analyzer::Log log = decode_log(bytes, "t");
    CHECK(log.partial == expect_partial);
    return analyzer::analyze_allocations(log);
}

}  // namespace

TEST_CASE("alloc: totals, live blocks and leaks per stack are exact", "[alloc]") {
    AllocEvents events(1);
    events.alloc(1, 1, 10, 0x5000).alloc(2, 1, 20, 0x6000).free(3, 0x5000).free(4, 0x6000).alloc(5, 2, 5, 0x7000);
    for (bool zstd : {false, true}) {
        INFO("zstd " << zstd);
        AllocReport r = replay(log_of({{100, events}}, zstd));
        CHECK(r.allocations == 3);
        CHECK(r.frees == 2);
        CHECK(r.bytes == 35);
        CHECK(r.peak_bytes == 30);
        CHECK(r.live_allocations == 1);
        CHECK(r.live_bytes == 5);
        CHECK(r.unknown_frees == 0);
        CHECK(r.threads == 1);
        CHECK(r.consistent());
        REQUIRE(r.stacks.count(1) == 1);
        CHECK(r.stacks[1].allocations == 2);
        CHECK(r.stacks[1].bytes == 30);
        CHECK(r.stacks[1].min_size == 10);
        CHECK(r.stacks[1].max_size == 20);
        CHECK(r.stacks[1].leaked == 0);
        CHECK(r.stacks[2].leaked == 1);
        CHECK(r.stacks[2].leaked_bytes == 5);
    }
}

TEST_CASE("alloc: temporary = freed by the same thread before its next allocation", "[alloc]") {
    AllocEvents loop(1);
    uint64_t seq = 1;
    for (int i = 0; i < 1000; ++i, seq += 2) loop.alloc(seq, 1, 1, 0x9000).free(seq + 1, 0x9000);
    AllocReport r = replay(log_of({{1, loop}}));
    CHECK(r.allocations == 1000);
    CHECK(r.temporary == 1000);
    CHECK(r.stacks[1].temporary == 1000);
    CHECK(analyzer::most_common_size(r.stacks[1].sizes) == 1);

    // a, b, free a, free b: only b was the thread's latest allocation when freed.
    AllocEvents pair(1);
    pair.alloc(1, 1, 8, 0xa000).alloc(2, 2, 8, 0xb000).free(3, 0xa000).free(4, 0xb000);
    r = replay(log_of({{1, pair}}));
    CHECK(r.temporary == 1);
    CHECK(r.stacks[1].temporary == 0);
    CHECK(r.stacks[2].temporary == 1);
}

TEST_CASE("alloc: threads' chunks merge by sequence number, not file order", "[alloc]") {
    // Thread A allocates p; thread B frees it; A gets p again and frees it.
    AllocEvents a(1), b(2);
    a.alloc(1, 1, 64, 0x4000).alloc(3, 1, 64, 0x4000).free(4, 0x4000);
    b.free(2, 0x4000);
    for (bool b_first : {true, false}) {
        INFO("B's chunk first in the file: " << b_first);
        AllocReport r = replay(b_first ? log_of({{22, b}, {11, a}}) : log_of({{11, a}, {22, b}}));
        CHECK(r.allocations == 2);
        CHECK(r.frees == 2);
        CHECK(r.unknown_frees == 0);
        CHECK(r.lost_frees == 0);
        CHECK(r.live_allocations == 0);
        CHECK(r.temporary == 1);  // the free by B is not A's temporary
        CHECK(r.threads == 2);
        CHECK(r.consistent());
    }
}

TEST_CASE("alloc: a thread's later chunk may come first in the file", "[alloc]") {
    AllocEvents early(1), late(3);
    early.alloc(1, 1, 100, 0x1000).alloc(2, 1, 100, 0x2000);
    late.free(3, 0x1000).free(4, 0x2000);
    AllocReport r = replay(log_of({{5, late}, {5, early}}));
    CHECK(r.unknown_frees == 0);
    CHECK(r.live_bytes == 0);
    CHECK(r.peak_bytes == 200);
}

TEST_CASE("alloc: peak heap and when it was first reached", "[alloc]") {
    AllocEvents e(1);
    e.alloc(1, 1, 100, 0x1000).alloc(2, 1, 200, 0x2000).free(3, 0x1000).alloc(4, 1, 50, 0x3000);
    e.free(5, 0x2000).time(2000000).alloc(6, 2, 400, 0x4000).free(7, 0x4000).free(8, 0x3000);
    analyzer::Log log = decode_log(log_of({{1, e}}), "t");
    AllocReport r = analyzer::analyze_allocations(log);
    CHECK(r.peak_bytes == 450);
    CHECK(r.peak_ticks == 5000 + 2000000);
    CHECK(analyzer::seconds_since_start(log, r.peak_ticks) == Approx(0.001));  // 2e6 ticks at 0.5 ns
    CHECK(r.live_bytes == 0);
}

TEST_CASE("alloc: realloc is a free of the old block and an allocation of the new", "[alloc]") {
    AllocEvents e(1);
    e.alloc(1, 1, 10, 0x1000).free(2, 0x1000).alloc(3, 2, 20, 0x8000).free(4, 0x8000);
    AllocReport r = replay(log_of({{1, e}}));
    CHECK(r.allocations == 2);
    CHECK(r.frees == 2);
    CHECK(r.bytes == 30);
    CHECK(r.peak_bytes == 20);
    CHECK(r.live_allocations == 0);
}

TEST_CASE("alloc: frees of blocks allocated before tracing are counted, not matched", "[alloc]") {
    AllocEvents e(1);
    e.free(1, 0xdead0).alloc(2, 1, 16, 0x1000).free(3, 0xbeef0).free(4, 0x1000);
    AllocReport r = replay(log_of({{1, e}}));
    CHECK(r.unknown_frees == 2);
    CHECK(r.frees == 3);
    CHECK(r.live_allocations == 0);
    CHECK(r.temporary == 1);
    CHECK(r.consistent());
}

TEST_CASE("alloc: a block allocated twice without a free means a lost free", "[alloc]") {
    AllocEvents e(1);
    e.alloc(1, 1, 16, 0x1000).alloc(2, 1, 32, 0x1000);
    AllocReport r = replay(log_of({{1, e}}));
    CHECK(r.lost_frees == 1);
    CHECK(r.live_bytes == 32);
    CHECK_FALSE(r.consistent());
}

TEST_CASE("alloc: a log without allocation events has an empty report", "[alloc]") {
    AllocReport r = replay(log_of({}));
    CHECK_FALSE(r.any());
    CHECK(r.stacks.empty());
}

namespace {

// A log with one good chunk, then `bad` as an AllocChunk record, then an end.
std::string log_with_bad_chunk(const shimlog::AllocChunkRecord& rec, const std::string& tail) {
    AllocEvents good(1);
    good.alloc(1, 1, 10, 0x1000);
    LogBuilder b;
    start(b).alloc_chunk(1, good).record(shimlog::RecordType::AllocChunk, rec, tail).end(2000, 6000, 0);
    return b.bytes();
}

shimlog::AllocChunkRecord header_for(const std::string& raw, shimlog::Compression how, uint32_t count) {
    shimlog::AllocChunkRecord rec{};
    rec.tid = 9;
    rec.event_count = count;
    rec.first_seq = 2;
    rec.raw_size = uint32_t(raw.size());
    rec.compression = static_cast<uint8_t>(how);
    return rec;
}

}  // namespace

TEST_CASE("alloc: a malformed chunk is a partial log or a stated problem, never a crash", "[alloc][decode]") {
    AllocEvents e(2);
    e.alloc(2, 1, 10, 0x2000).free(3, 0x2000);
    const std::string raw = e.bytes;
    const std::string packed = LogBuilder::compress(raw);
    const std::string huge_stack("\x01\x00\xff\xff\xff\xff\x7f\x01\x02", 9);  // stack id 2^35 - 1
    using shimlog::Compression;

    struct Case {
        const char* what;
        shimlog::AllocChunkRecord rec;
        std::string tail;
        bool bad_header;  // caught by decode; else by the analysis reading the body
    };
    auto with = [&](shimlog::AllocChunkRecord rec, auto change) { change(rec); return rec; };
    std::vector<Case> cases = {
        {"unknown tag", header_for("\x09\x01\x01", Compression::None, 1), "\x09\x01\x01", false},
        {"truncated varint", header_for(raw + "\x02\x80", Compression::None, 3), raw + "\x02\x80", false},
        {"truncated pointer", header_for(raw + "\x02\x01", Compression::None, 3), raw + "\x02\x01", false},
        {"count too high", header_for(raw, Compression::None, 3), raw, false},
        {"count too low", header_for(raw, Compression::None, 1), raw, false},
        {"size mismatch", header_for(raw + "x", Compression::None, 2), raw, false},
        {"too large", with(header_for(raw, Compression::None, 2), [](auto& r) { r.raw_size = shimlog::kMaxChunkRawSize + 1; }), raw, true},
        {"count beyond bytes", header_for(raw, Compression::None, 1000), raw, true},
        {"unknown compression", with(header_for(raw, Compression::None, 2), [](auto& r) { r.compression = 7; }), raw, true},
        {"not zstd", header_for(raw, Compression::Zstd, 2), raw, false},
        {"zstd size lies", with(header_for(raw, Compression::Zstd, 2), [](auto& r) { r.raw_size += 5; }), packed, false},
        {"zstd cut", header_for(raw, Compression::Zstd, 2), packed.substr(0, packed.size() - 3), false},
        {"stack id too large", header_for(huge_stack, Compression::None, 1), huge_stack, false},
    };
    for (const Case& c : cases) {
        INFO(c.what);
        analyzer::Log log = decode_log(log_with_bad_chunk(c.rec, c.tail), "bad");
        AllocReport r = analyzer::analyze_allocations(log);
        if (c.bad_header) {
            CHECK(log.partial);
            CHECK(log.partial_reason.find("type 7") != std::string::npos);
            REQUIRE(log.alloc_chunks.size() == 1);  // the good chunk before it stays
            CHECK(r.allocations == 1);
        } else {
            CHECK_FALSE(log.partial);  // the records after it still count
            CHECK(r.problem.find("thread 9") != std::string::npos);
            CHECK(r.allocations >= 1);  // the good chunk, and the bad one's events up to the fault
            CHECK(r.allocations <= 2);
        }
    }
}

// A chunk that cannot be unpacked (a zstd bomb, a damaged file) is said at the
// top of the report, where "(complete)" would otherwise stand alone.
TEST_CASE("alloc: an unreadable chunk is warned of in the report's header", "[alloc][views]") {
    AllocEvents e(2);
    e.alloc(2, 1, 10, 0x2000).free(3, 0x2000);
    analyzer::Log log = decode_log(log_with_bad_chunk(header_for(e.bytes, shimlog::Compression::Zstd, 2), e.bytes), "bad");
    AllocReport allocs = analyzer::analyze_allocations(log);
    REQUIRE_FALSE(allocs.problem.empty());
    analyzer::Symbolizer symbols({});
    analyzer::CallSites sites(log, symbols);
    std::vector<analyzer::Finding> findings;
    analyzer::Analysis analysis = analyzer::analyze_with_limits(log, sites, allocs, analyzer::Thresholds{});
    analyzer::ReportInput input{log, findings, sites, 10, analysis};
    std::ostringstream text, html;
    analyzer::write_text_report(input, text);
    analyzer::write_html_report(input, html);
    std::string header = text.str().substr(0, text.str().find("\nFindings"));
    CHECK(header.find("Warning:  allocation events could not all be read (" + allocs.problem + ")") != std::string::npos);
    CHECK(html.str().find("Allocation events could not all be read") != std::string::npos);
}

TEST_CASE("alloc: the analysis survives chunks that bypassed the decoder", "[alloc]") {
    analyzer::Log log;
    analyzer::AllocChunk chunk;
    chunk.tid = 1;
    chunk.event_count = 5;
    const std::string events = std::string("\x01\x00\x01\x01\x02", 5) + std::string("\x01\x80\x80", 3);  // good, then cut
    chunk.raw_size = uint32_t(events.size());
    chunk.body = events.data();
    chunk.body_size = events.size();
    log.alloc_chunks.push_back(chunk);
    AllocReport r = analyzer::analyze_allocations(log);
    CHECK(r.allocations == 1);
    CHECK_FALSE(r.problem.empty());
    CHECK_FALSE(r.consistent());
}

TEST_CASE("alloc: bit flips in chunks never crash decode or analysis", "[alloc][decode]") {
    AllocEvents e(1);
    e.alloc(1, 1, 10, 0x1000).time(77).alloc(2, 2, 300, 0x7f0000002000).free(3, 0x1000);
    for (bool zstd : {false, true}) {
        const std::string full = log_of({{3, e}}, zstd);
        for (size_t byte = 0; byte < full.size(); ++byte) {
            for (int bit = 0; bit < 8; ++bit) {
                std::string flipped = full;
                flipped[byte] = static_cast<char>(flipped[byte] ^ (1 << bit));
                try {
                    analyzer::analyze_allocations(decode_log(flipped, "flipped"));
                } catch (const analyzer::LogError&) {
                }
            }
        }
    }
    SUCCEED("no crash, no hang");
}
