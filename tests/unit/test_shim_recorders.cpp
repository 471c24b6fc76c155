// The shim's recorders linked in-process (no LD_PRELOAD): the file registry,
// the stack table and the passing records, writing to the real arena, read
// back as a flush reads it (shim_doubles.h).
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <unistd.h>

#include "../../preload/log/passing_records.h"
#include "../../preload/record/files.h"
#include "../../preload/record/stacks.h"
#include "shim_doubles.h"

using shim_doubles::new_records;
using shimlog::RecordType;

namespace {

// A scratch file of `size` bytes, open for reading; unlinked at once.
int scratch_file(size_t size) {
    char path[] = "/tmp/shim_unit_XXXXXX";
    int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    unlink(path);
    std::string data(size, 'x');
    REQUIRE(write(fd, data.data(), data.size()) == ssize_t(size));
    lseek(fd, 0, SEEK_SET);
    return fd;
}

}  // namespace

TEST_CASE("the file registry gives a descriptor an id and one File record", "[shim]") {
    new_records();
    int fd = scratch_file(100);
    shim::FileAccess first = shim::file_access(fd, -1, 10);
    shim::FileAccess second = shim::file_access(fd, -1, 10);
    CHECK(first.file_id != shim::kUntrackedFile);
    CHECK(second.file_id == first.file_id);
    CHECK(first.start == 0);
    CHECK(second.start == 10);
    CHECK(second.consecutive);
    CHECK(second.sequential);
    shim::FileAccess back = shim::file_access(fd, 0, 10);  // a pread of the start again
    CHECK_FALSE(back.sequential);
    auto records = new_records();
    REQUIRE(records.size() == 1);
    CHECK(records[0].type == RecordType::File);
    shimlog::FileRecord rec;
    memcpy(&rec, records[0].payload.data(), sizeof rec);
    CHECK(rec.file_id == first.file_id);
    CHECK(rec.fd == fd);
    CHECK(rec.kind == uint8_t(shimlog::FileKind::Regular));

    // Closed and opened again under the same number: a new file.
    shim::forget_fd(fd);
    shim::FileAccess reopened = shim::file_access(fd, -1, 1);
    CHECK(reopened.file_id != first.file_id);
    CHECK(new_records().size() == 1);
    shim::set_fd_position(fd, 50);
    CHECK(shim::file_access(fd, -1, 1).start == 50);
    shim::forget_fd(fd);
    close(fd);
    CHECK(shim::file_access(-1, -1, 1).file_id == shim::kUntrackedFile);
}

TEST_CASE("the stack table keeps each stack once", "[shim]") {
    new_records();
    const uint64_t a[] = {0x401000, 0x402000, 0x403000};
    const uint64_t b[] = {0x401000, 0x402000, 0x404000};
    uint32_t id_a = shim::stack_intern(a, 3);
    uint32_t id_b = shim::stack_intern(b, 3);
    CHECK(id_a != 0);
    CHECK(id_b != 0);
    CHECK(id_a != id_b);
    CHECK(shim::stack_intern(a, 3) == id_a);
    CHECK(shim::stack_intern(a, 0) == 0);
    auto records = new_records();
    REQUIRE(records.size() == 2);  // one Stack record per new stack
    shimlog::StackRecord rec;
    memcpy(&rec, records[0].payload.data(), sizeof rec);
    CHECK(records[0].type == RecordType::Stack);
    CHECK(rec.id == id_a);
    CHECK(rec.depth == 3);
    CHECK(memcmp(records[0].payload.data() + sizeof rec, a, sizeof a) == 0);
}

TEST_CASE("a call site's stack is captured once", "[shim]") {
    new_records();
    shim_doubles::set_captured_frames({0x500000, 0x501000, 0x502000});
    uint32_t id = shim::site_stack_id(0x500000);
    shim_doubles::set_captured_frames({0x500000, 0x509000});  // would be another stack
    CHECK(shim::site_stack_id(0x500000) == id);
    shim_doubles::set_captured_frames({});
    CHECK(new_records().size() == 1);
}

TEST_CASE("passing records are written once, in order", "[shim]") {
    shim::passing_write_out([](const void*, size_t) {});  // whatever an earlier test left
    uint32_t first = 1, second = 2;
    shim::passing_record(RecordType::Thread, {{&first, sizeof first}});
    shim::passing_record(RecordType::Thread, {{&second, sizeof second}});
    static std::string written;
    written.clear();
    shim::passing_write_out([](const void* data, size_t size) { written.append(static_cast<const char*>(data), size); });
    const size_t one = sizeof(shimlog::RecordHeader) + sizeof(uint32_t);
    REQUIRE(written.size() == 2 * one);
    shimlog::RecordHeader header;
    memcpy(&header, written.data(), sizeof header);
    CHECK(header.type == uint16_t(RecordType::Thread));
    CHECK(header.size == sizeof(uint32_t));
    uint32_t value = 0;
    memcpy(&value, written.data() + one + sizeof header, sizeof value);
    CHECK(value == 2);
    written.clear();
    shim::passing_write_out([](const void* data, size_t size) { written.append(static_cast<const char*>(data), size); });
    CHECK(written.empty());
}
