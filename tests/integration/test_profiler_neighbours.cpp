// Programs a CPU profiler's signal must leave as they are: blocking calls
// that a stray signal would interrupt with EINTR, exception unwinding and
// dlopen (the loader's lock, held where a signal may land), and a program
// that profiles itself with SIGPROF. Each runs under `timeout`, bare and
// under the shim, and must print the same and exit the same.
#include <catch2/catch.hpp>

#include <string>

#include "harness.h"

using namespace harness;

static void same_as_bare(const std::string& command, const std::string& dir) {
    INFO(command);
    Result bare = run("timeout 120 " + command, dir);
    REQUIRE(bare.status == 0);
    Result traced = run("timeout 120 env " + preload() + command, dir);
    CHECK(traced.status == bare.status);
    CHECK(traced.out == bare.out);
    CHECK(traced.err == bare.err);
}

TEST_CASE("blocking calls beside busy threads see no EINTR under the shim", "[profiler][integration]") {
    std::string dir = scratch_dir("neighbours_blocked");
    same_as_bare(program_path("blocked_waits") + " 0.3", dir);
}

TEST_CASE("exceptions and dlopen loops run to the end under the shim", "[profiler][integration]") {
    std::string dir = scratch_dir("neighbours_loader");
    same_as_bare(program_path("throw_catch") + " 100000", dir);
    same_as_bare(program_path("dlopen_loop") + " 1000", dir);
}

TEST_CASE("a program's own SIGPROF profiler gets its own ticks only", "[profiler][integration]") {
    std::string dir = scratch_dir("neighbours_own_profiler");
    same_as_bare(program_path("own_profiler") + " 0.2", dir);
}

TEST_CASE("CPU-bound programs with known splits print the same under the shim", "[profiler][integration]") {
    std::string dir = scratch_dir("neighbours_cpu_split");
    same_as_bare(program_path("cpu_split") + " 10", dir);
    same_as_bare(program_path("short_cpu_threads") + " 100", dir);
}
