// The mission's first story end to end: words under the shim, read family.
#include <catch2/catch.hpp>

#include "analysis.h"
#include "harness.h"

using namespace harness;

namespace {

const uint64_t kBookBytes = 1270330;

std::string words_command(const std::string& mode) {
    return words_path() + " --mode " + mode + " " + book_path();
}

}  // namespace

TEST_CASE("words prints the same under the shim in every mode", "[words][integration]") {
    for (const char* mode : {"unbuffered", "alloc", "buffered"}) {
        std::string dir = scratch_dir(std::string("words_same_") + mode);
        Result bare = run(words_command(mode), dir);
        Result traced = run(preload() + words_command(mode), dir);
        INFO("mode " << mode);
        CHECK(bare.status == 0);
        CHECK(traced.status == bare.status);
        CHECK(traced.out == bare.out);
        CHECK(traced.err == bare.err);
        CHECK(bare.out.find(": 215828 words") != std::string::npos);
    }
}

TEST_CASE("unbuffered words: one read per byte, flagged at readbyte's line", "[words][integration]") {
    std::string dir = scratch_dir("words_unbuffered");
    REQUIRE(run(preload() + words_command("unbuffered"), dir).status == 0);
    Analysis a = analyze(dir + "/log.bin");
    CHECK_FALSE(a.log.partial);
    CHECK(a.calls_on("moby.txt", false) == kBookBytes + 1);  // one per byte, then EOF

    const analyzer::Finding* f = a.finding("unbuffered-io");
    REQUIRE(f != nullptr);
    int line = line_of(repo_root() + "/workloads/words.cpp", "::read(fd, &c, 1)");
    REQUIRE(line > 0);
    CHECK(f->site.find("readbyte") != std::string::npos);
    CHECK(f->site.find("words.cpp:" + std::to_string(line)) != std::string::npos);
    CHECK(f->figures.at("calls") == double(kBookBytes + 1));
    CHECK(f->figures.at("seconds_in_calls") > 0);
}

TEST_CASE("reads issued by the shim itself or through libc are counted alike", "[words][integration]") {
    for (const char* direct : {"0", "1"}) {
        INFO("SHIM_DIRECT_SYSCALLS=" << direct);
        std::string dir = scratch_dir(std::string("words_direct_") + direct);
        Result r = run(std::string("SHIM_DIRECT_SYSCALLS=") + direct + " " + preload() + words_command("unbuffered"), dir);
        REQUIRE(r.status == 0);
        CHECK(r.err.empty());
        Analysis a = analyze(dir + "/log.bin");
        CHECK(a.calls_on("moby.txt", false) == kBookBytes + 1);
        const analyzer::Finding* f = a.finding("unbuffered-io");
        REQUIRE(f != nullptr);
        CHECK(f->figures.at("seconds_in_calls") > 0);
    }
}

TEST_CASE("buffered words: few reads and no finding", "[words][integration]") {
    std::string dir = scratch_dir("words_buffered");
    REQUIRE(run(preload() + words_command("buffered"), dir).status == 0);
    Analysis a = analyze(dir + "/log.bin");
    CHECK(a.calls_on("moby.txt", false) > 0);
    CHECK(a.calls_on("moby.txt", false) < 100);
    CHECK(a.finding("unbuffered-io") == nullptr);
}

TEST_CASE("dd bs=1 is flagged as unbuffered on both sides", "[integration]") {
    std::string dir = scratch_dir("dd_bs1");
    write_file(dir + "/input.txt", std::string(5000, 'x'));
    Result r = run(preload() + "dd if=input.txt of=copy.txt bs=1 status=none", dir);
    REQUIRE(r.status == 0);
    CHECK(read_file(dir + "/copy.txt") == read_file(dir + "/input.txt"));
    Analysis a = analyze(dir + "/log.bin");
    CHECK(a.calls_on("input.txt", false) == 5001);
    CHECK(a.calls_on("copy.txt", true) == 5000);
    int flagged = 0;
    for (const analyzer::Finding& f : a.findings) flagged += f.kind == "unbuffered-io";
    CHECK(flagged == 2);
}

TEST_CASE("byte-at-a-time reads from stdin are flagged", "[integration]") {
    std::string dir = scratch_dir("stdin_bytes");
    write_file(dir + "/input.txt", "one two three\n" + std::string(3000, 'y'));
    Result r = run(preload() + words_path() + " - < input.txt", dir);
    REQUIRE(r.status == 0);
    CHECK(r.out == "\"-\": 4 words\n");
    Analysis a = analyze(dir + "/log.bin");
    const analyzer::Finding* f = a.finding("unbuffered-io");
    REQUIRE(f != nullptr);
    CHECK(f->title.find("input.txt") != std::string::npos);  // stdin's path is resolved
    CHECK(f->figures.at("calls") == 3014 + 1);
}

TEST_CASE("the report prints findings first and strace-style columns", "[report][integration]") {
    std::string dir = scratch_dir("report_text");
    REQUIRE(run(preload() + words_command("unbuffered"), dir).status == 0);
    Result r = run(analyzer_path() + " report log.bin", dir);
    REQUIRE(r.status == 0);
    size_t findings = r.out.find("Findings");
    size_t syscalls = r.out.find("% time     seconds  usecs/call     calls    errors syscall");
    REQUIRE(findings != std::string::npos);
    REQUIRE(syscalls != std::string::npos);
    CHECK(findings < syscalls);
    CHECK(r.out.find("1,270,331 read() calls") != std::string::npos);
    CHECK(r.out.find("moby.txt") != std::string::npos);

    Result json = run(analyzer_path() + " report --format json log.bin", dir);
    REQUIRE(json.status == 0);
    CHECK(json.out.find("\"kind\":\"unbuffered-io\"") != std::string::npos);
    CHECK(json.out.find("\"calls\":1270331") != std::string::npos);
}

TEST_CASE("stdio calls are counted per file, and buffered stdio is not flagged", "[stdio][integration]") {
    std::string dir = scratch_dir("stdio_lines");
    std::string text;
    for (int i = 0; i < 3000; ++i) text += "line " + std::to_string(i) + "\n";
    write_file(dir + "/input.txt", text);
    Result r = run(preload() + program_path("stdio_lines") + " input.txt copy.txt", dir);
    REQUIRE(r.status == 0);
    CHECK(r.out == "3000 lines\n");
    CHECK(read_file(dir + "/copy.txt") == text);
    Analysis a = analyze(dir + "/log.bin");
    // 3000 lines and the fgets that found the end; the stream's refills of
    // its 4 KiB buffer, and the end of file; fputs per line, flushes per 4 KiB.
    uint64_t blocks = (text.size() + 4095) / 4096;
    CHECK(a.calls_on("input.txt", false) == 3001 + blocks + 1);
    CHECK(a.calls_on("copy.txt", true) == 3000 + blocks);
    CHECK(a.finding("unbuffered-io") == nullptr);
}
