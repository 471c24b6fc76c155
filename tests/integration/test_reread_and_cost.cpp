// Issue 19 end to end: a header re-read 2,000 times is not advised a buffer,
// and findings that cost little are left out of the report, which says so.
#include <catch2/catch.hpp>

#include "analysis.h"
#include "harness.h"

using namespace harness;

TEST_CASE("a 16-byte header pread again and again: re-read, no buffer advice", "[io][cost][integration]") {
    std::string dir = scratch_dir("reread_header");
    Result r = run(preload() + program_path("reread_header") + " data.db 2000", dir);
    REQUIRE(r.status == 0);
    REQUIRE(r.out == "2000 reads of the header\n");
    Analysis a = analyze(dir + "/log.bin");
    const analyzer::Finding* f = a.finding("re-read");
    REQUIRE(f != nullptr);
    // Every read after the first moved the range the one before it had: the
    // same bytes again, to keep in memory, not different records.
    CHECK(f->title.find("The same bytes read again: 1,999 of 2,000 pread64() calls of 16 B on ") != std::string::npos);
    CHECK(f->figures.at("repeated_calls") == 1999);
    CHECK(f->advice.find("Read these bytes once and keep them in memory") == 0);
    CHECK(f->site.find("reread_header.c:" + std::to_string(line_of(repo_root() + "/tests/programs/reread_header.c",
                                                                       "pread(fd, header, sizeof header, at)"))) !=
          std::string::npos);
    CHECK(f->figures.at("sequential_calls") == 0);
    for (const std::string& line : f->evidence) CHECK(line.find("buffer would move") == std::string::npos);
    CHECK(a.finding("unbuffered-io") == nullptr);  // the 4 KiB record reads are not small

    // The whole run takes a few ms: the finding's cost is under the 5 ms
    // floor, so the report leaves it out and says how to see it.
    double cost_ms = double(f->cost_ns) / 1e6;
    INFO("re-read cost " << cost_ms << " ms");
    if (cost_ms < 5) {
        Result report = run(analyzer_path() + " report log.bin", dir);
        CHECK(report.status == 0);
        CHECK(report.out.find("The same bytes read again") == std::string::npos);
        CHECK(report.out.find("1 more finding costs under 5.0 ms") != std::string::npos);
        CHECK(report.out.find("--min-cost 0 shows it") != std::string::npos);
    }
    Result all = run(analyzer_path() + " report log.bin --min-cost 0", dir);
    CHECK(all.status == 0);
    CHECK(all.out.find("1. The same bytes read again: 1,999 of 2,000 pread64() calls of 16 B") != std::string::npos);
    CHECK(all.out.find("left out") == std::string::npos);
    // A gate sees the findings the report leaves out: a cheap one is still that regression.
    CHECK(run(analyzer_path() + " report log.bin --fail-on re-read", dir).status == 1);
    Result json = run(analyzer_path() + " report log.bin --format json --min-cost 1h", dir);
    CHECK(json.status == 2);  // not a cost this option takes
    CHECK(json.err.find("--min-cost: '1h' is not a cost") != std::string::npos);
    json = run(analyzer_path() + " report log.bin --format json --min-cost 100%", dir);
    CHECK(json.out.find("\"findings_left_out\":1") != std::string::npos);
}

TEST_CASE("16-byte preads of different records: scattered, not re-read", "[io][integration]") {
    // The same program, its small reads at a different offset each time.
    std::string dir = scratch_dir("scattered_records");
    Result r = run(preload() + program_path("reread_header") + " data.db 2000 scattered", dir);
    REQUIRE(r.status == 0);
    Analysis a = analyze(dir + "/log.bin");
    const analyzer::Finding* f = a.finding("re-read");
    REQUIRE(f != nullptr);
    CHECK(f->title.find("Small reads at scattered offsets: 2,000 pread64() calls of 16 B on ") != std::string::npos);
    CHECK(f->figures.at("repeated_calls") == 0);
    CHECK(f->advice.find("These are different small records") == 0);
}

TEST_CASE("words and mandelbrot keep their findings above the default --min-cost", "[words][cost][integration]") {
    std::string dir = scratch_dir("cost_words");
    REQUIRE(run(preload() + words_path() + " --mode unbuffered " + book_path(), dir).status == 0);
    Result report = run(analyzer_path() + " report log.bin", dir);
    CHECK(report.status == 0);
    size_t first = report.out.find("  1. Unbuffered I/O: 1,270,331 read() calls");
    REQUIRE(first != std::string::npos);
    CHECK(report.out.find(" — costs ~", first) < report.out.find('\n', first));
    CHECK(report.out.find("left out; --min-cost 0") == std::string::npos);
}

// libunwind blocks and restores every signal around each look-up: cc1 made
// 27,882 rt_sigprocmask syscalls for ~11,500 allocations of one small compile.
// The shim's unwinds now mask once each (preload/record/unwinder_signals.h):
// 3,982 there.
TEST_CASE("a compiler's allocation stacks cost few rt_sigprocmask syscalls", "[cost][hostile][integration]") {
    std::string dir = scratch_dir("cost_sigprocmask");
    Result cc1 = run("gcc -print-prog-name=cc1", dir);
    REQUIRE(cc1.status == 0);
    std::string path = cc1.out.substr(0, cc1.out.find('\n'));
    run("echo 'int f(int x) { return x * 3 + 1; }' > unit.c", dir);  // no #include: cc1 alone finds no headers
    std::string command = path + " -quiet unit.c -O1 -o unit.s";
    Result r = run("strace -f -c -e trace=rt_sigprocmask -o strace.txt env " + preload() + command, dir);
    if (r.status != 0) {
        WARN("strace or cc1 cannot run here (" << r.err << "): not checked");
        return;
    }
    Result table = run("awk '$NF == \"rt_sigprocmask\" { print $4 }' strace.txt", dir);
    long calls = 0;
    sscanf(table.out.c_str(), "%ld", &calls);
    Analysis a = analyze(dir + "/log.bin");
    REQUIRE(a.log.alloc_events > 5000);
    INFO(calls << " rt_sigprocmask for " << a.log.alloc_events << " allocation events");
    CHECK(double(calls) < 0.5 * double(a.log.alloc_events));
}
