// A recording window's blocks from before it (LiveBlocks records): decoded
// from hand-made logs, bounds-checked, and replayed as the window's heap at
// its start; old logs read as before.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "../../analyzer/analysis/alloc_analysis.h"
#include "../../analyzer/decode/decode.h"
#include "log_builder.h"

using analyzer::AllocReport;
using analyzer::decode_log;
using testlog::AllocEvents;
using testlog::LogBuilder;

namespace {

std::string entries(const std::vector<shimlog::LiveBlockEntry>& blocks) {
    return std::string(reinterpret_cast<const char*>(blocks.data()), blocks.size() * sizeof(shimlog::LiveBlockEntry));
}

// One LiveBlocks record: `blocks` as part `part` of a list of `total` blocks.
void live_blocks(LogBuilder& b, const std::vector<shimlog::LiveBlockEntry>& blocks, uint32_t part, uint64_t total,
                 uint64_t total_bytes, uint32_t flags = 0) {
    shimlog::LiveBlocksRecord rec{};
    rec.part = part;
    rec.count = uint32_t(blocks.size());
    rec.total_blocks = total;
    rec.total_bytes = total_bytes;
    rec.flags = flags;
    b.record(shimlog::RecordType::LiveBlocks, rec, entries(blocks));
}

LogBuilder& start(LogBuilder& b) {
    return b.process(7, "/bin/server", std::string("server\0", 7)).stack(1, {0x1000, 0x2000}).stack(2, {0x1100, 0x2000});
}

// Window 2 of a run, closed by ctl stop.
std::string finish(LogBuilder& b, const AllocEvents& events) {
    if (events.count > 0) b.alloc_chunk(100, events);
    shimlog::WindowRecord w{};
    w.index = 2;
    w.opened_by = uint8_t(shimlog::WindowCause::CtlStart);
    w.closed_by = uint8_t(shimlog::WindowCause::CtlStop);
    b.record(shimlog::RecordType::Window, w);
    b.end(1000 + 10000000, 5000 + 20000000, 0);
    return b.bytes();
}

}  // namespace

TEST_CASE("live blocks: a window's start list is decoded, and its frees in the window are of known blocks", "[alloc][windows]") {
    LogBuilder b;
    start(b);
    // Three blocks handed over: two of stack 1 (100 + 200 bytes), one of stack 2 (4000 bytes).
    live_blocks(b, {{0x5000, 100, 1, 0}, {0x6000, 200, 1, 0}, {0x7000, 4000, 2, 0}}, 0, 3, 4300);
    AllocEvents events(10);
    // In the window: 1000 bytes allocated (peak 5300), then one handed-over block
    // and the new one freed; a free of a block nobody listed.
    events.alloc(10, 1, 1000, 0x8000).free(11, 0x5000).free(12, 0x8000).free(13, 0x9000);
    analyzer::Log log = decode_log(finish(b, events), "w2");
    CHECK_FALSE(log.partial);
    REQUIRE(log.live_at_start.present);
    CHECK(log.live_at_start.blocks.size() == 3);
    CHECK(log.live_at_start.total_bytes == 4300);
    CHECK(log.live_at_start.blocks[2].address == 0x7000);
    CHECK(log.live_at_start.blocks[2].stack_id == 2);
    CHECK_FALSE(log.live_at_start.after_pause());

    AllocReport r = analyzer::analyze_allocations(log);
    CHECK(r.start_known);
    CHECK(r.start_blocks == 3);
    CHECK(r.start_bytes == 4300);
    CHECK(r.frees == 3);
    CHECK(r.unknown_frees == 1);  // 0x9000 only
    CHECK(r.start_freed == 1);
    CHECK(r.start_freed_bytes == 100);
    CHECK(r.held_across == 2);
    CHECK(r.held_across_bytes == 4200);
    CHECK(r.live_allocations == 0);  // the window's own block was freed
    CHECK(r.peak_bytes == 4300 + 1000);
    CHECK(r.temporary == 1);  // 0x8000, freed before the next allocation; a handed-over block's free is never one
    CHECK(r.consistent());
    CHECK(r.stacks[1].held == 1);
    CHECK(r.stacks[1].held_bytes == 200);
    CHECK(r.stacks[2].held_bytes == 4000);
    CHECK(r.stacks[2].leaked == 0);
}

TEST_CASE("live blocks: the peak starts at the window's start, however the window goes", "[alloc][windows]") {
    LogBuilder b;
    start(b);
    live_blocks(b, {{0x5000, 3000, 1, 0}}, 0, 1, 3000);
    AllocEvents events(1);
    events.free(1, 0x5000).alloc(2, 2, 500, 0x6000);
    AllocReport r = analyzer::analyze_allocations(decode_log(finish(b, events), "w2"));
    CHECK(r.peak_bytes == 3000);
    CHECK(r.live_allocations == 1);
    CHECK(r.live_bytes == 500);
    CHECK(r.held_across == 0);
}

TEST_CASE("live blocks: after a pause, a listed address allocated again was freed unseen", "[alloc][windows]") {
    LogBuilder b;
    start(b);
    live_blocks(b, {{0x5000, 64, 1, 0}, {0x6000, 64, 1, 0}}, 0, 2, 128, shimlog::kLiveBlocksAfterPause);
    AllocEvents events(1);
    events.alloc(1, 2, 32, 0x5000);
    analyzer::Log log = decode_log(finish(b, events), "w2");
    CHECK(log.live_at_start.after_pause());
    AllocReport r = analyzer::analyze_allocations(log);
    CHECK(r.start_freed_unseen == 1);
    CHECK(r.lost_frees == 0);
    CHECK(r.consistent());
    CHECK(r.held_across == 1);
    CHECK(r.live_allocations == 1);
    CHECK(r.peak_bytes == 128);  // 128 at the start, 96 after
}

TEST_CASE("live blocks: a long list comes in parts, read in order", "[alloc][windows]") {
    LogBuilder b;
    start(b);
    std::vector<shimlog::LiveBlockEntry> first, second;
    for (uint64_t i = 0; i < shimlog::kLiveBlocksPerRecord; ++i) first.push_back({0x100000 + i * 16, 16, 1, 0});
    second.push_back({0x900000, 5, 2, 0});
    uint64_t total = shimlog::kLiveBlocksPerRecord + 1;
    live_blocks(b, first, 0, total, 16 * shimlog::kLiveBlocksPerRecord + 5);
    live_blocks(b, second, 1, total, 16 * shimlog::kLiveBlocksPerRecord + 5);
    AllocEvents none(1);
    analyzer::Log log = decode_log(finish(b, none), "w2");
    CHECK_FALSE(log.partial);
    CHECK(log.live_at_start.blocks.size() == total);
    AllocReport r = analyzer::analyze_allocations(log);
    CHECK(r.any());  // the window allocated nothing, but holds a heap
    CHECK(r.start_blocks == total);
    CHECK(r.held_across_bytes == 16 * shimlog::kLiveBlocksPerRecord + 5);
}

TEST_CASE("live blocks: malformed lists are rejected, the log read up to them", "[alloc][windows][decode]") {
    SECTION("more blocks than a record may hold") {
        LogBuilder b;
        start(b);
        shimlog::LiveBlocksRecord rec{};
        rec.count = shimlog::kLiveBlocksPerRecord + 1;
        rec.total_blocks = rec.count;
        b.record(shimlog::RecordType::LiveBlocks, rec);
        analyzer::Log log = decode_log(finish(b, AllocEvents(1)), "bad");
        CHECK(log.partial);
        CHECK(log.partial_reason.find("more blocks than one may hold") != std::string::npos);
        CHECK(log.live_at_start.blocks.empty());
    }
    SECTION("a size that is not its count of blocks") {
        LogBuilder b;
        start(b);
        shimlog::LiveBlocksRecord rec{};
        rec.count = 2;
        rec.total_blocks = 2;
        b.record(shimlog::RecordType::LiveBlocks, rec, entries({{0x5000, 1, 1, 0}}));
        analyzer::Log log = decode_log(finish(b, AllocEvents(1)), "bad");
        CHECK(log.partial);
        CHECK(log.partial_reason.find("not its count of blocks") != std::string::npos);
    }
    SECTION("a part out of order") {
        LogBuilder b;
        start(b);
        live_blocks(b, {{0x5000, 1, 1, 0}}, 1, 1, 1);
        analyzer::Log log = decode_log(finish(b, AllocEvents(1)), "bad");
        CHECK(log.partial);
        CHECK(log.partial_reason.find("out of order") != std::string::npos);
    }
    SECTION("more blocks than the list counts") {
        LogBuilder b;
        start(b);
        live_blocks(b, {{0x5000, 1, 1, 0}, {0x6000, 1, 1, 0}}, 0, 1, 2);
        CHECK(decode_log(finish(b, AllocEvents(1)), "bad").partial);
    }
    SECTION("a truncated header") {
        LogBuilder b;
        start(b);
        uint32_t half = 0;
        b.record(shimlog::RecordType::LiveBlocks, half);
        CHECK(decode_log(finish(b, AllocEvents(1)), "bad").partial);
    }
}

TEST_CASE("live blocks: a window's log without a list reads as before", "[alloc][windows]") {
    LogBuilder b;
    start(b);
    AllocEvents events(1);
    events.free(1, 0x5000).alloc(2, 1, 10, 0x6000);
    analyzer::Log log = decode_log(finish(b, events), "old");
    CHECK_FALSE(log.live_at_start.present);
    AllocReport r = analyzer::analyze_allocations(log);
    CHECK_FALSE(r.start_known);
    CHECK(r.unknown_frees == 1);
    CHECK(r.peak_bytes == 10);
    CHECK(r.live_allocations == 1);
}
