// The replay's open-addressing map against std::unordered_map, through
// growth and deletions that shift probe runs back.
#include <catch2/catch.hpp>

#include <random>
#include <unordered_map>

#include "../../analyzer/analysis/flat_map.h"

namespace {
struct LiveBlock {
    uint32_t stack_id;
    uint64_t size;
};
using LiveBlocks = analyzer::FlatMap<LiveBlock>;
}  // namespace

TEST_CASE("live blocks behave as a map under random inserts and removals", "[alloc]") {
    LiveBlocks table;
    std::unordered_map<uint64_t, LiveBlock> model;
    std::mt19937_64 random(12345);
    for (int step = 0; step < 200000; ++step) {
        // Few distinct addresses, 16-byte aligned like malloc's: long probe runs.
        uint64_t ptr = 0x7f0000000000ull + (random() % 5000) * 16;
        bool live = model.count(ptr) != 0;
        if (random() % 3 != 0 && !live) {
            LiveBlock block{uint32_t(step), uint64_t(step) * 7};
            table.insert(ptr, block);
            model[ptr] = block;
        } else {
            LiveBlock got{};
            REQUIRE(table.take(ptr, got) == live);
            if (live) {
                CHECK(got.stack_id == model[ptr].stack_id);
                model.erase(ptr);
            }
        }
        if (step % 9973 == 0) {
            REQUIRE(table.size() == model.size());
            for (const auto& entry : model) {
                const LiveBlock* found = table.find(entry.first);
                REQUIRE(found != nullptr);
                CHECK(found->size == entry.second.size);
            }
        }
    }
    size_t visited = 0;
    table.for_each([&](uint64_t ptr, const LiveBlock& block) {
        visited++;
        CHECK(model.at(ptr).stack_id == block.stack_id);
    });
    CHECK(visited == model.size());
}

TEST_CASE("a null pointer is an address like any other", "[alloc]") {
    LiveBlocks table;
    CHECK(table.find(0) == nullptr);
    table.insert(0, LiveBlock{3, 4});
    REQUIRE(table.find(0) != nullptr);
    LiveBlock got{};
    CHECK(table.take(0, got));
    CHECK(got.stack_id == 3);
    CHECK(table.find(0) == nullptr);
}
