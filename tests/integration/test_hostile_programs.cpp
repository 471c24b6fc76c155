// Programs that attack the shim's assumptions, as a hostile user would: each
// reproduces a defect found that way, and each runs under `timeout` (one of
// them used to hang).
#include <catch2/catch.hpp>

#include <algorithm>

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
