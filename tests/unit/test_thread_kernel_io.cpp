// ThreadKernelIo records: which reading stands for which thread (a live
// thread's replaced by its next, an end reading closing a life, a tid the
// kernel hands out again), and the state when the kernel keeps no counts.
#include <catch2/catch.hpp>

#include "../../analyzer/decode/decode.h"
#include "../../analyzer/analysis/unseen_io.h"
#include "log_builder.h"

using analyzer::decode_log;
using testlog::LogBuilder;
using Status = shimlog::ThreadKernelIoStatus;

namespace {

shimlog::ThreadKernelIoRecord reading(uint32_t tid, Status status, uint64_t writes, uint64_t hooked_writes,
                                      uint64_t own_writes = 0) {
    shimlog::ThreadKernelIoRecord r{};
    r.tid = tid;
    r.status = static_cast<uint8_t>(status);
    r.write_calls = writes;
    r.write_bytes = writes * 10;
    r.hooked_write_calls = hooked_writes;
    r.hooked_write_bytes = hooked_writes * 10;
    r.own_write_calls = own_writes;
    r.own_write_bytes = own_writes * 10;
    return r;
}

shimlog::ThreadRecord life(uint32_t tid, shimlog::ThreadEnd end, uint64_t start_ticks) {
    shimlog::ThreadRecord t{};
    t.tid = tid;
    t.end = static_cast<uint8_t>(end);
    t.start_ticks = start_ticks;
    t.end_ticks = start_ticks + 100;
    return t;
}

LogBuilder started() {
    LogBuilder b;
    b.process(7, "/bin/prog", std::string("prog\0", 5));
    return b;
}

}  // namespace

TEST_CASE("per-thread kernel counts: the latest reading of each life, paired with its thread", "[unit][unseen][threads]") {
    LogBuilder b = started();
    b.record(shimlog::RecordType::ThreadKernelIo, reading(8, Status::Alive, 10, 4))  // a checkpoint
        .record(shimlog::RecordType::ThreadKernelIo, reading(8, Status::AtEnd, 50, 20, 3))
        .thread(life(8, shimlog::ThreadEnd::Returned, 6000))
        .record(shimlog::RecordType::ThreadKernelIo, reading(8, Status::AtEnd, 7, 7))  // tid 8 again: a new thread
        .thread(life(8, shimlog::ThreadEnd::Returned, 7000))
        .record(shimlog::RecordType::ThreadKernelIo, reading(7, Status::Alive, 5, 1))
        .thread(life(9, shimlog::ThreadEnd::Returned, 7500))  // not read (short-lived, not in the sample)
        .record(shimlog::RecordType::ThreadKernelIo, reading(7, Status::Alive, 9, 2))  // exit
        .thread(life(7, shimlog::ThreadEnd::AliveAtExit, 5000));
    analyzer::Log log = decode_log(b.end(11000, 15000, 0).bytes(), "t");
    REQUIRE_FALSE(log.partial);
    analyzer::ThreadsUnseenIo io = analyzer::threads_unseen_io(log);
    CHECK(io.state == analyzer::ThreadIoState::Known);
    REQUIRE(io.threads.size() == 3);
    const analyzer::ThreadUnseenIo& first = io.threads[0];
    CHECK(first.tid == 8);
    CHECK(first.ended);
    CHECK(first.thread == 0);
    CHECK(first.writes.kernel_calls == 50);
    CHECK(first.writes.hooked_calls == 20);
    CHECK(first.writes.own_calls == 3);
    CHECK(first.writes.unseen_calls == 27);
    CHECK(first.writes.unseen_bytes == 270);
    const analyzer::ThreadUnseenIo& again = io.threads[1];
    CHECK(again.thread == 1);
    CHECK(again.writes.unseen_calls == 0);
    const analyzer::ThreadUnseenIo& main = io.threads[2];
    CHECK(main.tid == 7);
    CHECK_FALSE(main.ended);
    CHECK(main.thread == 3);
    CHECK(main.writes.kernel_calls == 9);
    CHECK(main.writes.unseen_calls == 7);
}

TEST_CASE("per-thread kernel counts: none kept by the kernel, none recorded", "[unit][unseen][threads]") {
    LogBuilder none = started();
    none.thread(life(8, shimlog::ThreadEnd::Returned, 6000));
    analyzer::Log old = decode_log(none.end(11000, 15000, 0).bytes(), "t");
    CHECK(analyzer::threads_unseen_io(old).state == analyzer::ThreadIoState::NotRecorded);

    LogBuilder off = started();
    off.record(shimlog::RecordType::ThreadKernelIo, reading(8, Status::NotAvailable, 0, 0))
        .thread(life(8, shimlog::ThreadEnd::Returned, 6000));
    analyzer::Log log = decode_log(off.end(11000, 15000, 0).bytes(), "t");
    analyzer::ThreadsUnseenIo io = analyzer::threads_unseen_io(log);
    CHECK(io.state == analyzer::ThreadIoState::NotAvailable);
    CHECK(io.threads.empty());  // not zeros
}

TEST_CASE("a ThreadKernelIo record with an unknown status: the log is cut there", "[unit][decode][unseen]") {
    shimlog::ThreadKernelIoRecord bad = reading(8, Status::AtEnd, 1, 1);
    bad.status = 9;
    LogBuilder b = started();
    b.record(shimlog::RecordType::ThreadKernelIo, bad);
    analyzer::Log log = decode_log(b.end(11000, 15000, 0).bytes(), "t");
    CHECK(log.partial);
    CHECK(log.partial_reason.find("unknown thread kernel I/O status 9") != std::string::npos);
}
