// The shim's table of live blocks (preload/record/live_blocks.h), linked in:
// threads' chunks applied out of order, settled at a window's close, and
// written as LiveBlocks records in parts.
#include <catch2/catch.hpp>

#include <cstring>
#include <map>

#include "../../preload/record/live_blocks.h"
#include "log_builder.h"
#include "shim_doubles.h"

using testlog::AllocEvents;

namespace {

void apply(const AllocEvents& events) {
    shim::live_blocks_apply(reinterpret_cast<const uint8_t*>(events.bytes.data()), uint32_t(events.bytes.size()),
                            events.first_seq);
}

// Every block of the LiveBlocks records written, by address; the records' headers in `headers`.
std::map<uint64_t, shimlog::LiveBlockEntry> written(std::vector<shimlog::LiveBlocksRecord>& headers) {
    std::map<uint64_t, shimlog::LiveBlockEntry> blocks;
    for (const shim_doubles::Record& r : shim_doubles::sunk_records()) {
        REQUIRE(r.type == shimlog::RecordType::LiveBlocks);
        shimlog::LiveBlocksRecord rec;
        REQUIRE(r.payload.size() >= sizeof rec);
        memcpy(&rec, r.payload.data(), sizeof rec);
        REQUIRE(r.payload.size() == sizeof rec + rec.count * sizeof(shimlog::LiveBlockEntry));
        headers.push_back(rec);
        for (uint32_t i = 0; i < rec.count; ++i) {
            shimlog::LiveBlockEntry e;
            memcpy(&e, r.payload.data() + sizeof rec + i * sizeof e, sizeof e);
            blocks[e.address] = e;
        }
    }
    return blocks;
}

}  // namespace

TEST_CASE("shim live blocks: chunks of several threads, applied out of order, leave the blocks live", "[shim][windows]") {
    shim::live_blocks_after_fork_child();  // a clean, disabled table
    shim::live_blocks_enable();
    AllocEvents a(1), b(5), c(4);
    a.alloc(1, 1, 10, 0x1000).alloc(3, 2, 20, 0x2000);
    b.free(5, 0x3000).free(6, 0x1000).free(7, 0x4000);  // 0x3000's allocation is in c, written later; 0x4000 never known
    c.alloc(4, 1, 30, 0x3000);
    apply(a);
    apply(b);
    apply(c);
    CHECK(shim::live_blocks_count() == 1);
    shim::live_blocks_settle();
    shim::live_blocks_note_pause();
    shim::live_blocks_write();
    std::vector<shimlog::LiveBlocksRecord> headers;
    auto blocks = written(headers);
    REQUIRE(headers.size() == 1);
    CHECK(headers[0].part == 0);
    CHECK(headers[0].total_blocks == 1);
    CHECK(headers[0].total_bytes == 20);
    CHECK(headers[0].flags == shimlog::kLiveBlocksAfterPause);
    REQUIRE(blocks.size() == 1);
    CHECK(blocks.at(0x2000).size == 20);
    CHECK(blocks.at(0x2000).stack_id == 2);

    // The pause is the next list's only; an address freed and allocated again is the newer block.
    AllocEvents d(10);
    d.free(10, 0x2000).alloc(11, 3, 40, 0x2000);
    apply(d);
    shim::live_blocks_write();
    headers.clear();
    blocks = written(headers);
    REQUIRE(headers.size() == 1);
    CHECK(headers[0].flags == 0);
    CHECK(blocks.at(0x2000).size == 40);
    CHECK(blocks.at(0x2000).stack_id == 3);
    shim::live_blocks_after_fork_child();
}

TEST_CASE("shim live blocks: the table grows, and a long list is written in parts", "[shim][windows]") {
    shim::live_blocks_after_fork_child();
    shim::live_blocks_enable();
    const uint64_t n = 70000;  // past the first table's 3/4 (49,152 of 65,536 slots)
    AllocEvents events(1);
    for (uint64_t i = 0; i < n; ++i) events.alloc(1 + i, 1, 16 + i % 3, 0x10000000 + i * 32);
    apply(events);
    AllocEvents frees(n + 1);
    for (uint64_t i = 0; i < n; i += 2) frees.free(n + 1 + i, 0x10000000 + i * 32);
    apply(frees);
    CHECK(shim::live_blocks_count() == n / 2);
    shim::live_blocks_write();
    std::vector<shimlog::LiveBlocksRecord> headers;
    auto blocks = written(headers);
    CHECK(blocks.size() == n / 2);
    REQUIRE(headers.size() == (n / 2 + shimlog::kLiveBlocksPerRecord - 1) / shimlog::kLiveBlocksPerRecord);
    uint64_t bytes = 0;
    for (const auto& b : blocks) bytes += b.second.size;
    for (uint32_t i = 0; i < headers.size(); ++i) {
        CHECK(headers[i].part == i);
        CHECK(headers[i].total_blocks == n / 2);
        CHECK(headers[i].total_bytes == bytes);
    }
    CHECK(blocks.count(0x10000000) == 0);       // freed
    CHECK(blocks.count(0x10000000 + 32) == 1);  // kept
    shim::live_blocks_after_fork_child();
}

TEST_CASE("shim live blocks: off, nothing is written", "[shim][windows]") {
    shim::live_blocks_after_fork_child();
    CHECK_FALSE(shim::live_blocks_on());
    shim::live_blocks_write();
    CHECK(shim_doubles::sunk_records().empty());
}
