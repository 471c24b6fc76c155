// The log format round trip and the decoder's defences against bad input.
#include <catch2/catch.hpp>

#include "../../analyzer/decode/decode.h"
#include "log_builder.h"

using analyzer::decode_log;
using analyzer::LogError;
using testlog::LogBuilder;

namespace {

std::string sample_log() {
    shimlog::FileRecord file{};
    file.file_id = 7;
    file.fd = 3;
    file.kind = static_cast<uint8_t>(shimlog::FileKind::Regular);
    file.path_len = 9;
    shimlog::StackRecord stack{1, 2};
    uint64_t frames[2] = {0x401000, 0x402000};
    shimlog::IoSiteRecord io{};
    io.file_id = 7;
    io.stack_id = 1;
    io.site = 0x401000;
    io.syscall = static_cast<uint8_t>(shimlog::Syscall::read);
    io.calls = 1001;
    io.bytes_requested = 1001;
    io.bytes_done = 1000;
    io.eof = 1;
    io.ticks = 2000000;  // 2 ticks per ns below: 1 ms
    io.histogram[0] = 1;
    io.histogram[1] = 1000;
    return LogBuilder()
        .process(42, "/bin/prog", std::string("prog\0arg\0", 9))
        .record(shimlog::RecordType::File, file, "/tmp/data")
        .record(shimlog::RecordType::Stack, stack, std::string(reinterpret_cast<char*>(frames), sizeof frames))
        .record(shimlog::RecordType::IoSite, io)
        .end(1000 + 10000000, 5000 + 20000000, 3)
        .bytes();
}

}  // namespace

TEST_CASE("a log decodes to the records that made it", "[decode]") {
    analyzer::Log log = decode_log(sample_log(), "sample");
    CHECK_FALSE(log.partial);
    CHECK(log.process.pid == 42);
    CHECK(log.process.exe == "/bin/prog");
    CHECK(log.process.argv == std::vector<std::string>{"prog", "arg"});
    REQUIRE(log.file(7) != nullptr);
    CHECK(log.file(7)->path == "/tmp/data");
    CHECK(log.file(7)->fd == 3);
    REQUIRE(log.stack(1) != nullptr);
    CHECK(*log.stack(1) == std::vector<uint64_t>{0x401000, 0x402000});
    REQUIRE(log.io_sites.size() == 1);
    CHECK(log.io_sites[0].calls == 1001);
    CHECK(log.io_sites[0].time_ns == 1000000);  // ticks converted at the run's own rate
    CHECK(log.end.exit_status == 3);
    CHECK(log.duration_ns() == 10000000);
}

TEST_CASE("a later I/O snapshot replaces the earlier one", "[decode]") {
    shimlog::IoSiteRecord io{};
    io.file_id = 1;
    io.site = 0x10;
    io.calls = 5;
    shimlog::IoSiteRecord later = io;
    later.calls = 9;
    LogBuilder b;
    b.process(1, "x", "").record(shimlog::RecordType::IoSite, io).record(shimlog::RecordType::IoSite, later).end(2000, 6000, 0);
    analyzer::Log log = decode_log(b.bytes(), "t");
    REQUIRE(log.io_sites.size() == 1);
    CHECK(log.io_sites[0].calls == 9);
}

TEST_CASE("unknown record types are skipped", "[decode]") {
    LogBuilder b;
    uint64_t payload = 99;
    b.process(1, "x", "").record(static_cast<shimlog::RecordType>(999), payload).end(2000, 6000, 0);
    analyzer::Log log = decode_log(b.bytes(), "t");
    CHECK(log.unknown_records == 1);
    CHECK_FALSE(log.partial);
}

TEST_CASE("bad logs give one clear error", "[decode]") {
    CHECK_THROWS_AS(decode_log("", "empty"), LogError);
    CHECK_THROWS_WITH(decode_log("hello world, not a log", "x"), Catch::Contains("not a shim log"));
    CHECK_THROWS_WITH(decode_log(LogBuilder(shimlog::kVersion + 1).bytes(), "x"), Catch::Contains("newer"));
    CHECK_THROWS_WITH(decode_log(LogBuilder().bytes(), "x"), Catch::Contains("no process record"));
    CHECK_THROWS_AS(analyzer::decode_log_file("/nonexistent/log.bin"), LogError);
}

TEST_CASE("a log truncated at any byte is an error or a partial report", "[decode]") {
    const std::string full = sample_log();
    for (size_t cut = 0; cut < full.size(); ++cut) {
        INFO("cut at " << cut);
        try {
            analyzer::Log log = decode_log(full.substr(0, cut), "cut");
            CHECK(log.partial);  // never a confident report from a cut log
        } catch (const LogError&) {
            SUCCEED();
        }
    }
}

TEST_CASE("bit flips never crash the decoder", "[decode]") {
    const std::string full = sample_log();
    for (size_t byte = 0; byte < full.size(); ++byte) {
        for (int bit = 0; bit < 8; ++bit) {
            std::string flipped = full;
            flipped[byte] = static_cast<char>(flipped[byte] ^ (1 << bit));
            try {
                decode_log(flipped, "flipped");
            } catch (const LogError&) {
            }
        }
    }
    SUCCEED("no crash, no hang");
}

TEST_CASE("a clock no real counter could have leaves ticks unconverted", "[decode]") {
    shimlog::IoSiteRecord io{};
    io.file_id = 1;
    io.site = 0x10;
    io.ticks = 1000000;
    LogBuilder b;  // 1e18 ns over 10 ticks: 1e17 ns per tick (found by the fuzzer)
    b.process(1, "x", "").record(shimlog::RecordType::IoSite, io).end(1000 + 1000000000000000000ull, 5000 + 10, 0);
    analyzer::Log log = decode_log(b.bytes(), "t");
    CHECK_FALSE(log.ticks_calibrated);
    CHECK(log.io_sites[0].time_ns == 0);
}

TEST_CASE("size buckets match the documented edges", "[format]") {
    using shimlog::size_bucket;
    CHECK(size_bucket(0) == 0);
    CHECK(size_bucket(1) == 1);
    CHECK(size_bucket(2) == 2);
    CHECK(size_bucket(16) == 2);
    CHECK(size_bucket(17) == 3);
    CHECK(size_bucket(512) == 3);
    CHECK(size_bucket(513) == 4);
    CHECK(size_bucket(4096) == 4);
    CHECK(size_bucket(4097) == 5);
    CHECK(size_bucket(65536) == 5);
    CHECK(size_bucket(65537) == 6);
    CHECK(size_bucket(1 << 20) == 6);
    CHECK(size_bucket((1 << 20) + 1) == 7);
}

TEST_CASE("the Command line quotes arguments as a shell would", "[decode]") {
    analyzer::ProcessInfo p;
    p.argv = {"bash", "-c", "echo it's", "", "plain/path_1.txt", "a b"};
    CHECK(p.shell_command() == "bash -c 'echo it'\\''s' '' plain/path_1.txt 'a b'");
    CHECK(p.command_line() == "bash -c echo it's  plain/path_1.txt a b");  // the plain join, for matching
}
