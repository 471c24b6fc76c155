// Every process of a run writes its own log; log.bin stays the first one's.
#include <catch2/catch.hpp>

#include <algorithm>
#include <dirent.h>
#include <sstream>

#include "../../analyzer/cli/child_logs.h"
#include "analysis.h"
#include "harness.h"

using namespace harness;

namespace {

std::vector<std::string> logs_in(const std::string& dir) {
    std::vector<std::string> logs;
    DIR* d = opendir(dir.c_str());
    while (dirent* e = d ? readdir(d) : nullptr)
        if (std::string(e->d_name).rfind("log.bin", 0) == 0) logs.push_back(dir + "/" + e->d_name);
    if (d) closedir(d);
    return logs;
}

}  // namespace

TEST_CASE("a shell and its children each get a log", "[tree][integration]") {
    std::string dir = scratch_dir("tree_shell");
    write_file(dir + "/input.txt", std::string(3000, 'c'));
    Result r = run(preload() + "sh -c 'cat input.txt > copy.txt; cat input.txt | wc -c'", dir);
    REQUIRE(r.status == 0);
    CHECK(r.out == "3000\n");
    CHECK(read_file(dir + "/copy.txt") == std::string(3000, 'c'));

    Analysis first = analyze(dir + "/log.bin");
    CHECK_FALSE(first.log.process.parent_traced);
    CHECK(first.log.process.exe.find("sh") != std::string::npos);
    int cats_reading_input = 0;
    for (const std::string& log : logs_in(dir)) {
        if (log == dir + "/log.bin") continue;
        Analysis child = analyze(log);
        INFO(log);
        CHECK(child.log.process.parent_traced);
        CHECK_FALSE(child.log.partial);
        if (child.calls_on("input.txt", false) > 0) ++cats_reading_input;
    }
    CHECK(cats_reading_input == 2);
}

TEST_CASE("a shell's vfork children know their parent is traced, and never see the shim's marker",
          "[tree][integration]") {
    std::string dir = scratch_dir("tree_vfork_marker");
    // dash starts a simple command with vfork: the exec'd image learns from
    // the marker, not from /proc, that its parent is traced.
    Result bare = run("sh -c 'env; /bin/true'", dir);
    Result traced = run(preload() + "sh -c 'env; /bin/true'", dir);
    REQUIRE(traced.status == 0);
    CHECK(traced.out.find("SHIM_EXEC_PID") == std::string::npos);
    std::string without_preload;  // the environment differs by LD_PRELOAD alone
    std::istringstream lines(traced.out);
    for (std::string line; std::getline(lines, line);)
        if (line.rfind("LD_PRELOAD=", 0) != 0) without_preload += line + "\n";
    CHECK(without_preload == bare.out);
    int children = 0;
    for (const std::string& log : logs_in(dir)) {
        if (log == dir + "/log.bin") continue;
        Analysis child = analyze(log);
        INFO(log);
        CHECK(child.log.process.parent_traced);
        ++children;
    }
    CHECK(children == 2);
}

TEST_CASE("posix_spawn and vfork children run and are traced", "[tree][integration]") {
    std::string dir = scratch_dir("tree_spawn");
    write_file(dir + "/input.txt", "hello\n");
    Result bare = run(program_path("spawn") + " input.txt", dir);
    Result traced = run(preload() + program_path("spawn") + " input.txt", dir);
    CHECK(bare.status == 0);
    CHECK(traced.status == 0);
    CHECK(traced.out == "hello\nhello\n");
    int children = 0;
    for (const std::string& log : logs_in(dir))
        if (log != dir + "/log.bin" && analyze(log).calls_on("input.txt", false) > 0) ++children;
    CHECK(children == 2);
}

TEST_CASE("fork children of a threaded program write their own logs", "[tree][integration]") {
    std::string dir = scratch_dir("tree_fork_threads");
    Result r = run(preload() + program_path("fork_threads"), dir);
    CHECK(r.status == 0);
    CHECK(r.out == "children ok: 20 of 20\n");
    size_t children = 0;
    for (const std::string& log : logs_in(dir)) {
        if (log == dir + "/log.bin") continue;
        Analysis child = analyze(log);
        CHECK(child.log.end.reason == shimlog::EndReason::QuickExit);
        CHECK(child.log.end.exit_status == 7);
        // Only the thread that forked lives on in the child; the parent's
        // threads, ended or not, are in the parent's log alone.
        REQUIRE(child.log.threads.size() == 1);
        CHECK(child.log.threads[0].is_main);
        ++children;
    }
    CHECK(children == 20);
    Analysis parent = analyze(dir + "/log.bin");
    CHECK(parent.log.threads.size() == 9);  // main, the five that ended first, the three that churned
}

TEST_CASE("the first log's report lists the run's other processes; --children reports them", "[tree][integration]") {
    std::string dir = scratch_dir("tree_report");
    write_file(dir + "/input.txt", std::string(100, 'd'));
    REQUIRE(run(preload() + "sh -c 'cat input.txt > /dev/null; cat input.txt | wc -c'", dir).status == 0);
    write_file(dir + "/log.bin.1", "a stale or foreign file is not a log of this run");
    Result listing = run(analyzer_path() + " report log.bin", dir);
    REQUIRE(listing.status == 0);
    size_t section = listing.out.find("Processes of this run");
    REQUIRE(section != std::string::npos);
    std::string tree = listing.out.substr(section);
    CHECK(std::count(tree.begin(), tree.end(), '\n') >= 4);  // title, header, the cats and wc
    CHECK(tree.find("cat input.txt") != std::string::npos);
    CHECK(tree.find("wc -c") != std::string::npos);
    CHECK(tree.find("log.bin.1]") == std::string::npos);

    Result all = run(analyzer_path() + " report --children log.bin", dir);
    REQUIRE(all.status == 0);
    size_t commands = 0;
    for (size_t at = all.out.find("Command:"); at != std::string::npos; at = all.out.find("Command:", at + 1)) ++commands;
    CHECK(commands >= 4);  // sh, two cats, wc (and the fork children that exec'd)
}

TEST_CASE("a launcher that execs the program hands it log.bin", "[tree][integration]") {
    std::string dir = scratch_dir("tree_launcher");
    write_file(dir + "/input.txt", "one two three\n");
    Result r = run(preload() + "env GREETING=hi " + words_path() + " input.txt", dir);
    REQUIRE(r.status == 0);
    CHECK(r.out == "\"input.txt\": 3 words\n");
    Analysis a = analyze(dir + "/log.bin");
    CHECK(a.log.process.exe.find("words") != std::string::npos);
    CHECK_FALSE(a.log.process.parent_traced);
    CHECK(a.calls_on("input.txt", false) == 15);
    Result listing = run(analyzer_path() + " report log.bin", dir);
    CHECK(listing.out.find("env GREETING=hi") != std::string::npos);  // the launcher's own log, listed
}

// Issue 19: processes of the run were left out of the listing (41 of
// pyenv's 85 logs were listed): those that started more than a second after
// the first log's image ended (a later image of its pid, and what that image
// ran), and those an earlier image started (a shell's vfork'd command).
namespace {

std::vector<analyzer::ProcessSummary> check_every_log_listed(const std::string& dir) {
    Analysis first = analyze(dir + "/log.bin");
    std::vector<analyzer::ProcessSummary> rows = analyzer::child_logs(dir + "/log.bin", first.log);
    std::vector<std::string> listed, written;
    for (const analyzer::ProcessSummary& row : rows) listed.push_back(row.path);
    for (const std::string& log : logs_in(dir))
        if (log != dir + "/log.bin") written.push_back(log);
    std::sort(listed.begin(), listed.end());
    std::sort(written.begin(), written.end());
    CHECK(listed == written);

    Result listing = run(analyzer_path() + " report log.bin --top 100", dir);
    REQUIRE(listing.status == 0);
    size_t section = listing.out.find("Processes of this run");
    REQUIRE(section != std::string::npos);
    std::string tree = listing.out.substr(section);
    for (const std::string& log : written) CHECK(tree.find("[" + log.substr(dir.size() + 1) + "]") != std::string::npos);
    CHECK(tree.find("[this log]") != std::string::npos);
    return rows;
}

size_t row_of(const std::vector<analyzer::ProcessSummary>& rows, const std::string& command) {
    for (size_t i = 0; i < rows.size(); ++i)
        if (rows[i].command == command) return i;
    FAIL("no process ran " << command);
    return 0;
}

}  // namespace

TEST_CASE("every log of an exec chain is listed, children under the image that started them",
          "[tree][integration]") {
    SECTION("a later image's children, long after the first image exec'd") {
        std::string dir = scratch_dir("tree_exec_chain_later");
        write_file(dir + "/input.txt", std::string(42, 'e'));
        // bash forks its first command, so it keeps log.bin; the sh it
        // becomes starts its commands well after that first image ended.
        Result r = run(preload() + "bash -c '/bin/true; exec sh -c \"sleep 1.5; cat input.txt | wc -c\"'", dir);
        REQUIRE(r.status == 0);
        CHECK(r.out == "42\n");
        Analysis first = analyze(dir + "/log.bin");
        CHECK(first.log.end.reason == shimlog::EndReason::Exec);
        std::vector<analyzer::ProcessSummary> rows = check_every_log_listed(dir);
        size_t second = row_of(rows, "sh -c sleep 1.5; cat input.txt | wc -c");
        size_t cat = row_of(rows, "cat input.txt");
        CHECK(rows[second].pid == first.log.process.pid);
        CHECK(rows[second].depth == 0);
        CHECK(cat > second);
        CHECK(rows[cat].depth == 1);
        CHECK(rows[cat].ppid == first.log.process.pid);
    }
    SECTION("what an earlier image started before handing log.bin on") {
        std::string dir = scratch_dir("tree_exec_chain_earlier");
        write_file(dir + "/input.txt", std::string(42, 'e'));
        Result r = run(preload() + "sh -c '/bin/true; exec sh -c \"cat input.txt | wc -c\"'", dir);
        REQUIRE(r.status == 0);
        CHECK(r.out == "42\n");
        std::vector<analyzer::ProcessSummary> rows = check_every_log_listed(dir);
        size_t true_at = row_of(rows, "/bin/true");
        CHECK(rows[true_at].depth == 1);
    }
}
