// Programs that attack the shim's assumptions, as a hostile user would: each
// reproduces a defect found that way, and each runs under `timeout` (one of
// them used to hang).
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "../../analyzer/analysis/alloc_analysis.h"
#include "analysis.h"
#include "harness.h"

using namespace harness;

TEST_CASE("a daemon that closes every descriptor keeps its own files", "[hostile][integration]") {
    std::string dir = scratch_dir("hostile_fd_reuse");
    Result bare = run("timeout 60 " + program_path("fd_reuse"), dir);
    REQUIRE(bare.out == "first fd 3, pipe 3 4, intact\n");
    Result traced = run("timeout 60 env " + preload() + program_path("fd_reuse"), dir);
    CHECK(traced.status == 0);
    CHECK(traced.out == bare.out);  // no descriptor of ours shifted its numbers or read its pipe
    // ... and the unwinder still checked those frames: the deepest stacks are whole.
    Analysis a = analyze(dir + "/log.bin");
    size_t deepest = 0;
    for (const auto& [id, frames] : a.log.stacks) deepest = std::max(deepest, frames.size());
    CHECK(deepest >= 60);
}

TEST_CASE("every way to set a signal back to SIG_DFL is obeyed", "[hostile][integration]") {
    std::string dir = scratch_dir("hostile_signal_apis");
    for (const char* how : {"sigset", "sysv", "bsd", "raw", "segv", "query"}) {
        INFO(how);
        std::string command = program_path("signal_apis") + " " + how;
        Result bare = run("timeout 60 " + command, dir);
        Result traced = run("timeout 60 env " + preload() + command, dir);
        CHECK(traced.status == bare.status);
        CHECK(traced.out == bare.out);
        Analysis a = analyze(dir + "/log.bin");
        CHECK_FALSE(a.log.partial);  // the shim's handler still wrote the log first
        if (std::string(how) == "segv") CHECK(a.log.ending() == "killed by signal 11");
        if (std::string(how) == "sigset") CHECK(a.log.ending() == "killed by signal 15");
    }
}

// The directory's logs other than log.bin, in no order.
static std::vector<std::string> child_logs(const std::string& dir) {
    std::vector<std::string> logs;
    Result listing = run("ls log.bin.*", dir);
    std::string name;
    for (char c : listing.out) {
        if (c != '\n') { name += c; continue; }
        logs.push_back(dir + "/" + name);
        name.clear();
    }
    return logs;
}

TEST_CASE("a child made by a raw clone writes a log of its own", "[hostile][integration]") {
    std::string dir = scratch_dir("hostile_raw_clone");
    Result r = run("timeout 60 env " + preload() + program_path("raw_clone"), dir);
    REQUIRE(r.status == 0);
    REQUIRE(r.out == "3 children\n");
    Analysis parent = analyze(dir + "/log.bin");
    analyzer::AllocReport parent_allocs = analyzer::analyze_allocations(parent.log);
    CHECK(parent_allocs.consistent());
    CHECK(parent_allocs.allocations < 3100);  // its own 3000 (and the loader's few), none of its children's
    CHECK(parent.log.end.dropped == 0);
    std::vector<std::string> logs = child_logs(dir);
    REQUIRE(logs.size() == 3);
    int exact = 0, told = 0;
    for (const std::string& log : logs) {
        INFO(log);
        Analysis child = analyze(log);
        CHECK_FALSE(child.log.partial);
        CHECK(child.log.process.parent_traced);
        analyzer::AllocReport allocs = analyzer::analyze_allocations(child.log);
        CHECK(allocs.consistent());
        // Through syscall(): every one of its 5000. Past every libc function:
        // its events until its first write are not kept, and the log says so.
        if (allocs.allocations == 5000 && child.log.end.dropped == 0) ++exact;
        if (allocs.allocations == 0 && child.log.end.dropped >= 10000) ++told;
    }
    CHECK(exact == 2);
    CHECK(told == 1);
}

TEST_CASE("odd log names stay on one line and never fall back to another file", "[hostile][integration]") {
    std::string dir = scratch_dir("hostile_log_names");
    SECTION("a newline in SHIM_LOG") {
        Result r = run("SHIM_LOG=\"$(printf 'two\\nlines.bin')\" " + preload() + "/bin/true", dir);
        CHECK(r.status == 0);
        Result report = run(analyzer_path() + " report \"$(printf 'two\\nlines.bin')\"", dir);
        CHECK(report.status == 0);
        CHECK(report.out.find("Log:      two\\nlines.bin  (complete)") != std::string::npos);
        Result unwritable = run("SHIM_LOG=\"$(printf '/nonexistent\\ndir/log.bin')\" " + preload() + "/bin/true", dir);
        CHECK(unwritable.err == "shim: cannot create log /nonexistent\\ndir/log.bin: No such file or directory "
                                "(the program runs on, untraced)\n");
    }
    SECTION("a SHIM_LOG too long for a path") {
        Result r = run("SHIM_LOG=$(head -c 5000 /dev/zero | tr '\\0' x) " + preload() + "/bin/true", dir);
        CHECK(r.status == 0);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
        CHECK(r.err.find("is longer than") != std::string::npos);
        CHECK(run("ls log.bin", dir).status != 0);  // no log under a name nobody asked for
    }
    SECTION("a path the kernel refuses: the reason survives a long name") {
        std::string part(300, 'y');
        Result r = run("SHIM_LOG=/tmp/" + part + "/" + part + " " + preload() + "/bin/true", dir);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
        CHECK(r.err.find("...") != std::string::npos);
        CHECK(r.err.find(": File name too long (the program runs on, untraced)\n") != std::string::npos);
    }
}

TEST_CASE("a log that cannot be added to is said so, not 'cannot create'", "[hostile][integration]") {
    std::string dir = scratch_dir("hostile_few_descriptors");
    Result r = run("timeout 60 env " + preload() + program_path("few_descriptors"), dir);
    CHECK(r.status == 0);
    CHECK(r.out == "done\n");
    CHECK(r.err.find("shim: cannot open log ") == 0);
    CHECK(r.err.find("to add to it: Too many open files") != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    Analysis a = analyze(dir + "/log.bin");  // created at the start: the report says how far it got
    CHECK(a.log.partial);
}

TEST_CASE("an empty log is named as such", "[hostile][integration]") {
    std::string dir = scratch_dir("hostile_empty_log");
    write_file(dir + "/log.bin", "");
    Result r = run(analyzer_path() + " report log.bin", dir);
    CHECK(r.status == 2);
    CHECK(r.err.find("analyzer: log.bin: the log is empty") == 0);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

// Most signals land inside the shim's own malloc hook: their handler's
// allocations used to be taken for the shim's and dropped (~88%).
TEST_CASE("allocations in a signal handler are all recorded", "[hostile][integration]") {
    std::string dir = scratch_dir("hostile_handler_allocs");
    Result r = run("timeout 120 env " + preload() + program_path("handler_allocs"), dir);
    REQUIRE(r.status == 0);
    long handled = 0, loops = 0;
    REQUIRE(sscanf(r.out.c_str(), "%ld handler allocations, %ld loop allocations", &handled, &loops) == 2);
    Analysis a = analyze(dir + "/log.bin");
    CHECK(a.log.end.dropped == 0);
    analyzer::AllocReport allocs = analyzer::analyze_allocations(a.log);
    CHECK(allocs.consistent());
    uint64_t of_200 = 0, of_24 = 0;
    for (const auto& [id, stats] : allocs.stacks) {
        auto at = [&](uint64_t size) { auto it = stats.sizes.find(size); return it == stats.sizes.end() ? 0 : it->second; };
        of_200 += at(200);
        of_24 += at(24);
    }
    CHECK(of_200 == uint64_t(handled) + 1);  // and the one main makes first
    CHECK(of_24 >= uint64_t(loops));
    CHECK(allocs.frees >= uint64_t(handled + loops));
}

TEST_CASE("a thousand files before the slow one: nothing dropped, the slow one flagged", "[hostile][integration]") {
    std::string dir = scratch_dir("hostile_many_files");
    REQUIRE(run("mkdir small", dir).status == 0);
    for (int i = 0; i < 1000; ++i) write_file(dir + "/small/" + std::to_string(i) + ".txt", "small\n");
    Result r = run("timeout 120 env " + preload() + program_path("many_files") + " 1000 " + book_path(), dir);
    REQUIRE(r.status == 0);
    Analysis a = analyze(dir + "/log.bin");
    CHECK(a.log.end.dropped == 0);
    CHECK(a.calls_on("moby.txt", false) == 1270331);
    CHECK(a.calls_on("small/999.txt", false) == 7);  // six bytes, then end of file
    const analyzer::Finding* f = a.finding("unbuffered-io");
    REQUIRE(f != nullptr);
    CHECK(f->title.find("moby.txt") != std::string::npos);
    Result gate = run(analyzer_path() + " report log.bin --fail-on unbuffered-io", dir);
    CHECK(gate.status == 1);
}

TEST_CASE("the shim's unwinds leave the program's signal mask as it set it", "[hostile][integration]") {
    std::string dir = scratch_dir("hostile_mask_kept");
    Result bare = run("timeout 60 " + program_path("mask_kept"), dir);
    REQUIRE(bare.out == "mask kept, SIGUSR1 pending before unblocking\nSIGUSR1 delivered after\n");
    Result traced = run("timeout 60 env " + preload() + program_path("mask_kept"), dir);
    CHECK(traced.status == 0);
    CHECK(traced.out == bare.out);
    Analysis a = analyze(dir + "/log.bin");
    CHECK(a.log.stacks.size() >= 40);  // the unwinder saw a new stack at each of the 40 depths meanwhile
}

// A controlled process has the shim's sampler as a second thread from the
// start: the kernel refused a one-thread program's unshare of its memory,
// signal handlers or user namespace (EINVAL), which bare it was granted.
TEST_CASE("a one-thread program may still unshare what only one thread may", "[hostile][integration]") {
    std::string dir = scratch_dir("hostile_unshare");
    Result bare = run("timeout 60 " + program_path("unshare_alone"), dir);
    REQUIRE(bare.status == 0);
    REQUIRE(bare.out.find("CLONE_VM 0 ok\n") == 0);  // one thread may always
    for (const char* mode : {"SHIM_START=paused", "SHIM_START=running", "SHIM_PERIOD=1", "SHIM_UNUSED=1"}) {
        INFO(mode);
        Result traced = run(std::string("timeout 60 env ") + mode + " " + preload() + program_path("unshare_alone"), dir);
        CHECK(traced.status == 0);
        CHECK(traced.out == bare.out);
    }
    Analysis a = analyze(dir + "/log.bin");  // the last: uncontrolled, no sampler
    CHECK_FALSE(a.log.partial);
}

// libunwind's first unwind on a thread allocates its thread-local state. When
// a thread's first unwind was the CPU profile's, from a signal that landed
// inside malloc, that allocation waited for the arena lock the thread held:
// a hang (seen once in ~50 runs of the disk budget's test). Here, every run.
TEST_CASE("a thread's first CPU sample inside malloc does not hang it", "[hostile][integration]") {
    std::string dir = scratch_dir("hostile_first_sample_in_malloc");
    const std::string command = program_path("first_sample_in_malloc") + " 40 2 20000";
    Result bare = run("timeout 60 " + command, dir);
    REQUIRE(bare.status == 0);
    for (int attempt = 0; attempt < 3; ++attempt) {
        Result traced = run("timeout 60 env SHIM_CPU_HZ=10000 " + preload() + command, dir);
        REQUIRE(traced.status == 0);  // 124: it hung
        CHECK(traced.out == bare.out);
    }
    // The threads the shim started were made ready to unwind at their start:
    // none of their samples lacks a stack for want of an unwinder.
    Analysis a = analyze(dir + "/log.bin");
    uint64_t full = 0, no_unwinder = 0;
    for (const analyzer::CpuSample& s : a.log.cpu.samples) {
        full += s.depth == shimlog::CpuSampleDepth::Full;
        no_unwinder += s.depth == shimlog::CpuSampleDepth::NoUnwinder;
    }
    CHECK(full >= 50);
    CHECK(no_unwinder == 0);
}
