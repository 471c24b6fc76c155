// The shim's recorders linked in-process (no LD_PRELOAD): the file registry,
// the stack table and its validated memo (unwinding with libunwind), the
// passing records; they write to the real arena, read back as a flush reads
// it (shim_doubles.h).
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <unistd.h>

#include "../../preload/log/passing_records.h"
#include "../../preload/record/alloc_stacks.h"
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

namespace {

// An allocation hook's view of its caller: the return address and the
// caller's stack pointer (this frame's CFA), as hooks_malloc.cpp passes them.
__attribute__((noinline)) uint32_t stack_of_this_call(shim::AllocStacks* memo) {
    uint32_t id = shim::alloc_stack_id(memo, reinterpret_cast<uint64_t>(__builtin_return_address(0)),
                                       reinterpret_cast<uint64_t>(__builtin_frame_address(0)) + 16);
    asm volatile("" ::: "memory");  // not a tail call: the frame stays
    return id;
}

__attribute__((noinline)) uint32_t from_site_a(shim::AllocStacks* memo) {
    uint32_t id = stack_of_this_call(memo);
    asm volatile("" ::: "memory");
    return id;
}

__attribute__((noinline)) uint32_t from_site_b(shim::AllocStacks* memo) {
    uint32_t id = stack_of_this_call(memo);
    asm volatile("" ::: "memory");
    return id;
}

}  // namespace

TEST_CASE("a call site's stack is captured once", "[shim]") {
    new_records();
    uint32_t id = shim::site_stack_id(0x500000);
    CHECK(shim::site_stack_id(0x500000) == id);
    CHECK(new_records().size() <= 1);  // one Stack record, or none when nothing was unwound
}

TEST_CASE("the validated memo gives each call site its stack, checked by a full unwind", "[shim]") {
    shim::alloc_stacks_configure(1);  // every memo hit unwound again and compared
    shim::AllocStacks* memo = shim::alloc_stacks_acquire();
    REQUIRE(memo != nullptr);
    uint32_t a = 0, b = 0;
    for (int i = 0; i < 4; ++i) {
        uint32_t again_a = from_site_a(memo);
        uint32_t again_b = from_site_b(memo);
        if (i == 0) a = again_a, b = again_b;
        CHECK(again_a == a);
        CHECK(again_b == b);
    }
    CHECK(a != 0);
    CHECK(a != b);
    CHECK(shim::alloc_stacks_verified() > 0);
    CHECK(shim::alloc_stacks_mismatches() == 0);
    shim::alloc_stacks_release(memo);
    shim::alloc_stacks_configure(0);
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
