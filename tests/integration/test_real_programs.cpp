// Real programs' habits that once lost or misnamed logs: a shell that defines
// its own environment functions, library constructors that run first.
#include <catch2/catch.hpp>

#include <algorithm>

#include "../../analyzer/analysis/alloc_analysis.h"
#include "analysis.h"
#include "harness.h"

using namespace harness;

namespace {

std::string command_of(const std::string& log) { return analyze(log).log.process.command_line(); }

}  // namespace

// bash has its own getenv/setenv/unsetenv: the shim's exec marker, removed
// through them, stayed in bash's environment, every child took the run's
// name, and bash's own log was replaced ("cannot create log ... File exists").
TEST_CASE("a shell started by env keeps the run's log; its commands get their own", "[real][integration]") {
    std::string dir = scratch_dir("real_env_bash");
    std::string command = "/usr/bin/env bash -c '/bin/echo one; /bin/echo two'";
    Result bare = run(command, dir);
    Result traced = run(preload() + command, dir);
    CHECK(traced.status == 0);
    CHECK(traced.out == bare.out);
    CHECK(traced.err == bare.err);  // no word from the shim
    CHECK(command_of(dir + "/log.bin") == "bash -c /bin/echo one; /bin/echo two");
    Result listing = run("ls log.bin.*", dir);
    std::vector<std::string> commands;
    std::string name;
    for (char c : listing.out) {
        if (c != '\n') { name += c; continue; }
        commands.push_back(command_of(dir + "/" + name));
        name.clear();
    }
    std::sort(commands.begin(), commands.end());
    // env (which handed log.bin on), bash's fork for the first command and
    // the two commands: each its own log, none lost.
    CHECK(commands == std::vector<std::string>{"/bin/echo one", "/bin/echo two",
                                               "/usr/bin/env bash -c /bin/echo one; /bin/echo two",
                                               "bash -c /bin/echo one; /bin/echo two"});
}

TEST_CASE("a launcher that execs at once hands the run's log to the program", "[real][integration]") {
    std::string dir = scratch_dir("real_nice");
    REQUIRE(run(preload() + "nice " + program_path("errno_check"), dir).status == 0);
    CHECK(command_of(dir + "/log.bin").find("errno_check") != std::string::npos);
}

// LLVM's tools allocate in library constructors, before the shim's own: the
// checkpoint that asked for then found no log path and disabled the log.
TEST_CASE("allocations before the shim's constructor: the log is written, with them", "[real][integration]") {
    std::string dir = scratch_dir("real_early_alloc");
    Result r = run(preload() + program_path("early_alloc"), dir);
    CHECK(r.status == 0);
    CHECK(r.out == "early block allocated\n");
    CHECK(r.err.empty());
    Analysis a = analyze(dir + "/log.bin");
    CHECK_FALSE(a.log.partial);
    analyzer::AllocReport allocs = analyzer::analyze_allocations(a.log);
    CHECK(allocs.allocations >= 10001);  // the constructor's, recorded before the log existed
}

// The loader allocates and frees for the shim's own symbol look-ups (its
// error strings): those were reported as gzip's "2 frees of blocks allocated
// before tracing began".
TEST_CASE("the shim's own symbol look-ups are not the program's allocations", "[real][integration]") {
    std::string dir = scratch_dir("real_gzip");
    write_file(dir + "/h.txt", "hello\n");
    REQUIRE(run(preload() + "gzip -c h.txt > h.txt.gz", dir).status == 0);
    analyzer::AllocReport allocs = analyzer::analyze_allocations(analyze(dir + "/log.bin").log);
    CHECK(allocs.unknown_frees == 0);
}

TEST_CASE("report --children --format json is one JSON document", "[real][integration]") {
    std::string dir = scratch_dir("real_children_json");
    REQUIRE(run(preload() + "/usr/bin/env bash -c '/bin/echo one; /bin/echo two'", dir).status == 0);
    Result r = run(analyzer_path() + " report log.bin --children --format json > all.json", dir);
    CHECK(r.status == 0);
    Result parsed = run("python3 -c 'import json; d = json.load(open(\"all.json\")); "
                        "print(type(d).__name__, len(d), all(\"report_version\" in x for x in d))'",
                        dir);
    CHECK(parsed.out == "list 5 True\n");  // bash, env, bash's fork and the two commands
}

// An exec keeps the main thread and its CPU clock: a shell loop's CPU was
// credited to the threaded program it exec'd (1.23 s of CPU in a 0.53 s run).
TEST_CASE("CPU used before an exec is not the new program's", "[real][integration]") {
    std::string dir = scratch_dir("real_exec_cpu");
    REQUIRE(run(preload() + "bash -c 'for i in $(seq 400000); do :; done; exec " + program_path("two_then_one") +
                    " 0.2'",
                dir)
                .status == 0);
    Result listing = run("ls log.bin*", dir);
    std::string log, name;
    for (char c : listing.out) {  // the log whose program is two_then_one, not the shell's
        if (c != '\n') { name += c; continue; }
        if (command_of(dir + "/" + name).rfind(program_path("two_then_one"), 0) == 0) log = dir + "/" + name;
        name.clear();
    }
    REQUIRE_FALSE(log.empty());
    Analysis a = analyze(log);
    uint64_t cpu = 0;
    for (const auto& t : a.log.threads) cpu += t.cpu_ns;
    CHECK(cpu >= 550000000);  // 0.2 s in each of two threads, then 0.2 s in main
    CHECK(cpu <= 800000000);  // not the shell loop's second or so before it
}

TEST_CASE("report --children says each symbol note once", "[real][integration]") {
    std::string dir = scratch_dir("real_notes_once");
    REQUIRE(run(preload() + "bash -c 'for i in 1 2 3 4 5; do /bin/true; done'", dir).status == 0);
    Result r = run(analyzer_path() + " report log.bin --children > /dev/null", dir);
    CHECK(r.status == 0);
    std::vector<std::string> lines;
    std::string line;
    for (char c : r.err) {
        if (c != '\n') { line += c; continue; }
        lines.push_back(line);
        line.clear();
    }
    std::vector<std::string> unique = lines;
    std::sort(unique.begin(), unique.end());
    unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
    CHECK(unique.size() == lines.size());
}

TEST_CASE("a stripped program is said to be stripped", "[real][integration]") {
    if (run("readelf -S /usr/bin/dd | grep -q '\\.symtab'", "/").status == 0) {
        WARN("this dd has a symbol table: nothing to check");
        return;
    }
    std::string dir = scratch_dir("real_stripped");
    write_file(dir + "/h.txt", "hi\n");
    REQUIRE(run(preload() + "dd if=h.txt of=/dev/null bs=1", dir).status == 0);
    Result r = run(analyzer_path() + " report log.bin > /dev/null", dir);
    CHECK(r.err.find("/usr/bin/dd is stripped (no debug info, no symbol table)") != std::string::npos);
}
