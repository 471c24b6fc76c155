// The read and write syscalls stdio makes inside libc (stdio_streams.h):
// counted per stream for the call that caused them and flagged with the fix
// that fits, each count checked against strace's of the same program; and
// the syscalls no hook sees at all, which the kernel's counts still show.
#include <catch2/catch.hpp>

#include <cstdio>

#include "../../analyzer/analysis/unseen_io.h"
#include "analysis.h"
#include "harness.h"

using namespace harness;

namespace {

// strace -c's count of one syscall for `command`, or -1 when strace cannot run here.
long strace_count(const std::string& command, const std::string& syscall, const std::string& dir) {
    Result r = run("strace -f -c -e trace=" + syscall + " -o strace.txt " + command + " > /dev/null 2>&1", dir);
    if (r.status != 0) return -1;
    Result table = run("awk '$NF == \"" + syscall + "\" { print $4 }' strace.txt", dir);
    long calls = -1;
    return sscanf(table.out.c_str(), "%ld", &calls) == 1 ? calls : -1;
}

void check_near(uint64_t ours, long strace, long slack) {
    if (strace < 0) {
        WARN("strace could not run here: its comparison is skipped");
        return;
    }
    CHECK(long(ours) >= strace - slack);
    CHECK(long(ours) <= strace + slack);
}

}  // namespace

// The refills or flushes stdio made, in one direction, as the hooks counted them.
struct StreamCounts {
    uint64_t calls = 0;
    const analyzer::IoSite* busiest = nullptr;
};

StreamCounts stream_calls(const analyzer::Log& log, bool writes) {
    StreamCounts c;
    for (const analyzer::IoSite& site : log.io_sites) {
        if (!site.made_by_stream() || shimlog::is_write(site.syscall) != writes) continue;
        c.calls += site.calls;
        if (c.busiest == nullptr || site.calls > c.busiest->calls) c.busiest = &site;
    }
    return c;
}

TEST_CASE("printf and fflush per line: each write stdio makes is counted, for the fflush", "[unseen][integration]") {
    std::string dir = scratch_dir("unseen_flush");
    std::string command = program_path("stdio_unbuffered") + " flush out.txt 20000";
    Result r = run(preload() + command, dir);
    REQUIRE(r.out == "20000 lines\n");
    Analysis a = analyze(dir + "/log.bin");
    StreamCounts s = stream_calls(a.log, true);
    check_near(s.calls, strace_count(command, "write", dir), 2);  // strace adds the final stdout line
    REQUIRE(s.busiest != nullptr);
    CHECK(s.busiest->calls == 20000);
    CHECK(s.busiest->caused_by == shimlog::Syscall::fflush);
    CHECK(s.busiest->buffering == shimlog::StreamBuffering::Full);
    CHECK(s.busiest->buffer_size == 4096);
    analyzer::UnseenIo u = analyzer::unseen_io(a.log);
    REQUIRE(u.known);
    CHECK(u.writes.unseen_calls <= 2);  // the kernel agrees: nothing left unseen
    const analyzer::Finding* f = a.finding("unbuffered-io");
    REQUIRE(f != nullptr);
    CHECK(f->title.find("Unbuffered I/O: 20,000 write() calls to ") == 0);
    CHECK(f->title.find("made by stdio for fflush (fully buffered stream, 4 KiB buffer)") != std::string::npos);
    int line = line_of(repo_root() + "/tests/programs/stdio_unbuffered.c", "fflush(out)");
    CHECK(f->site.find("stdio_unbuffered.c:" + std::to_string(line)) != std::string::npos);
    CHECK(f->advice.find("Drop the fflush") == 0);
    Result gate = run(analyzer_path() + " report log.bin --fail-on unbuffered-io", dir);
    CHECK(gate.status == 1);
}

TEST_CASE("getc on an unbuffered stream: a read per byte, at the getc", "[unseen][integration]") {
    std::string dir = scratch_dir("unseen_getc");
    std::string command = program_path("stdio_unbuffered") + " getc " + book_path();
    Result r = run(preload() + command, dir);
    REQUIRE(r.out == "1270330 bytes\n");
    Analysis a = analyze(dir + "/log.bin");
    StreamCounts s = stream_calls(a.log, false);
    check_near(s.calls, strace_count(command, "read", dir), 3);
    REQUIRE(s.busiest != nullptr);
    CHECK(s.busiest->calls == 1270331);  // a byte each, and the end of file
    CHECK(s.busiest->buffering == shimlog::StreamBuffering::Unbuffered);
    CHECK(!s.busiest->caused_by);  // getc is not hooked: its stack names the site
    const analyzer::Finding* f = a.finding("unbuffered-io");
    REQUIRE(f != nullptr);
    CHECK(f->title.find("1,270,331 read() calls on ") != std::string::npos);
    CHECK(f->title.find("(unbuffered stream, 1 B buffer)") != std::string::npos);
    int line = line_of(repo_root() + "/tests/programs/stdio_unbuffered.c", "getc(in)");
    CHECK(f->site.find("stdio_unbuffered.c:" + std::to_string(line)) != std::string::npos);
    CHECK(f->advice.find("setvbuf(f, NULL, _IOFBF") != std::string::npos);
}

TEST_CASE("iostreams tied together: a write per line, at the program's line", "[unseen][integration]") {
    std::string dir = scratch_dir("unseen_iostream");
    std::string command = program_path("iostream_tied") + " < " + book_path();
    Result r = run(preload() + command + " > copy.txt", dir);
    REQUIRE(r.status == 0);
    long lines = 0;
    REQUIRE(sscanf(r.err.c_str(), "%ld lines", &lines) == 1);
    Analysis a = analyze(dir + "/log.bin");
    StreamCounts s = stream_calls(a.log, true);
    check_near(s.calls, strace_count(command, "write", dir), 2);
    CHECK(s.calls >= uint64_t(lines) - 2);
    const analyzer::Finding* f = a.finding("unbuffered-io");
    REQUIRE(f != nullptr);
    // The getline whose tied std::cin flushes std::cout before each read: the cause.
    CHECK(f->site.find("iostream_tied.cpp:9") != std::string::npos);
    CHECK(f->title.find("made by stdio for fflush") != std::string::npos);
    CHECK(f->advice.find("cin.tie(nullptr)") != std::string::npos);
    CHECK(f->advice.find("instead of std::endl") != std::string::npos);
}

TEST_CASE("a program that reads through fread_unlocked: its reads are counted, nothing flagged", "[unseen][integration]") {
    std::string dir = scratch_dir("unseen_sha256sum");
    std::string command = "sha256sum " + book_path();
    Result r = run(preload() + command, dir);
    REQUIRE(r.status == 0);
    Result report = run(analyzer_path() + " report log.bin", dir);
    REQUIRE(report.status == 0);
    CHECK(report.out.find("no read or write calls were seen") == std::string::npos);
    Analysis a = analyze(dir + "/log.bin");
    StreamCounts s = stream_calls(a.log, false);
    check_near(s.calls, strace_count(command, "read", dir), 6);  // the loader's reads are not stdio's
    CHECK(s.calls >= 20);  // 1.2 MiB in blocks of 32 KiB
    CHECK(a.finding("unbuffered-io") == nullptr);  // big blocks: nothing to fix
}

TEST_CASE("writes past every hook (raw syscalls): the kernel's count flags them", "[unseen][integration]") {
    std::string dir = scratch_dir("unseen_raw");
    std::string command = program_path("stdio_unbuffered") + " raw out.txt 20000";
    REQUIRE(run(preload() + command, dir).out == "20000 lines\n");
    Analysis a = analyze(dir + "/log.bin");
    analyzer::UnseenIo u = analyzer::unseen_io(a.log);
    REQUIRE(u.known);
    check_near(u.writes.unseen_calls, strace_count(command, "write", dir), 2);
    const analyzer::Finding* f = a.finding("unbuffered-io");
    REQUIRE(f != nullptr);
    CHECK(f->title.find("Unbuffered I/O inside libc: 20,0") == 0);
    CHECK(run(analyzer_path() + " report log.bin --fail-on unbuffered-io", dir).status == 1);
}

TEST_CASE("a journal recreated per statement is one file, and past 1,000 opens a finding", "[unseen][integration]") {
    std::string dir = scratch_dir("reopened_journal");
    REQUIRE(run(preload() + program_path("journal") + " 250", dir).status == 0);
    Result report = run(analyzer_path() + " report log.bin", dir);
    REQUIRE(report.status == 0);
    std::string files = report.out.substr(report.out.find("\nFiles ("));
    files = files.substr(0, files.find("\n\n"));
    size_t rows = 0;
    for (size_t at = files.find("test.db-journal"); at != std::string::npos; at = files.find("test.db-journal", at + 1))
        ++rows;
    CHECK(rows == 1);  // one row, not 250
    CHECK(report.out.find("test.db-journal  (opened 250 times)") != std::string::npos);
    CHECK(analyze(dir + "/log.bin").finding("file-reopened") == nullptr);  // 250: below the threshold

    REQUIRE(run(preload() + program_path("journal") + " 2000", dir).status == 0);
    Analysis a = analyze(dir + "/log.bin");
    const analyzer::Finding* f = a.finding("file-reopened");
    REQUIRE(f != nullptr);
    CHECK(f->title.find("File reopened 2,000 times: ") == 0);
    CHECK(f->evidence[0].find("8,000 read/write calls") != std::string::npos);
    CHECK(run(analyzer_path() + " report log.bin --fail-on file-reopened", dir).status == 1);
}
