// The event encoders both the shim and the tests' log builder use
// (format/event_encoders.h), checked against the bytes FORMAT.md specifies.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "../../format/event_encoders.h"
#include "log_builder.h"

namespace {

std::vector<uint8_t> bytes_of(const std::string& text) { return std::vector<uint8_t>(text.begin(), text.end()); }

}  // namespace

TEST_CASE("allocation events encode as FORMAT.md says", "[shim]") {
    uint8_t buf[64];
    uint64_t prev_seq = 10, prev_ptr = 0;
    // Alloc: tag, seq delta, stack, size, zigzag pointer delta.
    uint8_t* out = shimlog::put_event_start(buf, shimlog::AllocTag::Alloc, 12, prev_seq);
    out = shimlog::put_alloc_fields(out, 3, 300);
    out = shimlog::put_event_pointer(out, 0x1000, prev_ptr);
    CHECK(std::vector<uint8_t>(buf, out) == std::vector<uint8_t>{1, 2, 3, 0xac, 0x02, 0x80, 0x40});
    CHECK(prev_seq == 12);
    CHECK(prev_ptr == 0x1000);
    // Free of a lower address: a negative delta, zigzagged to an odd number.
    out = shimlog::put_event_start(buf, shimlog::AllocTag::Free, 13, prev_seq);
    out = shimlog::put_event_pointer(out, 0x0ff0, prev_ptr);
    CHECK(std::vector<uint8_t>(buf, out) == std::vector<uint8_t>{2, 1, 31});
    out = shimlog::put_time_mark(buf, 5000);
    CHECK(std::vector<uint8_t>(buf, out) == std::vector<uint8_t>{3, 0x88, 0x27});
    out = shimlog::put_thread_mark(buf, 42);
    CHECK(std::vector<uint8_t>(buf, out) == std::vector<uint8_t>{4, 42});
}

TEST_CASE("the log builder writes the shim's encoding", "[shim]") {
    testlog::AllocEvents events(10);
    events.alloc(12, 3, 300, 0x1000).time(5000).free(13, 0x0ff0);
    CHECK(events.count == 2);
    CHECK(bytes_of(events.bytes) ==
          std::vector<uint8_t>{1, 2, 3, 0xac, 0x02, 0x80, 0x40, 3, 0x88, 0x27, 2, 1, 31});
}

TEST_CASE("sample events and scan pairs encode as FORMAT.md says", "[shim]") {
    uint8_t buf[64];
    uint8_t* out = shimlog::put_sample_event(buf, shimlog::SampleTag::Tick, 1000, 200);
    CHECK(std::vector<uint8_t>(buf, out) ==
          std::vector<uint8_t>{uint8_t(shimlog::SampleTag::Tick), 0xe8, 0x07, 0xc8, 0x01});
    uint64_t prev_where = 0, prev_value = 0;
    out = shimlog::put_scan_pair(buf, 0x40, 0x10, prev_where, prev_value);
    out = shimlog::put_scan_pair(out, 0x48, 0x08, prev_where, prev_value);
    // where in words from the previous pair; value zigzagged from the previous value
    CHECK(std::vector<uint8_t>(buf, out) == std::vector<uint8_t>{8, 0x20, 1, 15});
    CHECK(prev_where == 0x48);
    CHECK(prev_value == 0x08);
}
