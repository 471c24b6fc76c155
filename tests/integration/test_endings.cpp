// However a traced program ends, its exit status is its own and its log is
// readable: complete with the right ending, or partial after SIGKILL.
#include <catch2/catch.hpp>

#include <csignal>

#include "analysis.h"
#include "harness.h"

using namespace harness;
using shimlog::EndReason;

namespace {

struct Ending {
    const char* mode;
    int status;        // as the shell reports it
    EndReason reason;
    int recorded;      // exit status or signal in the End record
};

std::string endings_command(const char* mode) {
    return program_path("endings") + " " + mode + " < input.txt";
}

}  // namespace

TEST_CASE("every ending leaves a complete log and the program's own status", "[endings][integration]") {
    const Ending endings[] = {
        {"exit", 3, EndReason::Exit, 3},
        {"_exit", 4, EndReason::QuickExit, 4},
        {"thread-exit", 5, EndReason::Exit, 5},
        {"return-with-threads", 6, EndReason::Exit, 6},
        {"abort", 128 + SIGABRT, EndReason::Signal, SIGABRT},
        {"segv", 128 + SIGSEGV, EndReason::Signal, SIGSEGV},
        {"kill-self", 128 + SIGTERM, EndReason::Signal, SIGTERM},
    };
    for (const Ending& e : endings) {
        INFO("mode " << e.mode);
        std::string dir = scratch_dir(std::string("endings_") + e.mode);
        write_file(dir + "/input.txt", std::string(5000, 'a'));
        // ulimit -c 0: the crashing modes must not leave core files behind.
        Result bare = run("ulimit -c 0; " + endings_command(e.mode), dir);
        Result traced = run("ulimit -c 0; " + preload() + endings_command(e.mode), dir);
        CHECK(bare.status == e.status);
        CHECK(traced.status == bare.status);
        CHECK(traced.out == bare.out);
        Analysis a = analyze(dir + "/log.bin");
        CHECK_FALSE(a.log.partial);
        CHECK(a.log.end.reason == e.reason);
        CHECK(a.log.end.exit_status == e.recorded);
        CHECK(a.calls_on("input.txt", false) == 1000);
    }
}

TEST_CASE("SIGKILL leaves a partial log with what was checkpointed", "[endings][integration]") {
    std::string dir = scratch_dir("endings_sigkill");
    write_file(dir + "/input.txt", std::string(5000, 'a'));
    Result r = run(preload() + endings_command("busy") + " & pid=$!; sleep 2.5; kill -9 $pid; wait $pid", dir);
    CHECK(r.status == 128 + SIGKILL);
    Analysis a = analyze(dir + "/log.bin");
    CHECK(a.log.partial);
    CHECK(a.calls_on("input.txt", false) == 1000);  // done before the first checkpoint
    CHECK(a.calls_on("/dev/zero", false) > 0);      // up to the last checkpoint (~1 s ago)
    CHECK(a.log.ticks_calibrated);                  // from the last Clock record
}

TEST_CASE("a failed exec does not stop recording", "[endings][integration]") {
    std::string dir = scratch_dir("exec_fail");
    write_file(dir + "/input.txt", std::string(500, 'b'));
    Result r = run(preload() + program_path("exec_fail") + " < input.txt", dir);
    CHECK(r.status == 0);
    CHECK(r.out == "still here\n");
    Analysis a = analyze(dir + "/log.bin");
    CHECK_FALSE(a.log.partial);
    CHECK(a.log.end.reason == EndReason::Exit);
    CHECK(a.calls_on("input.txt", false) == 200);
}
