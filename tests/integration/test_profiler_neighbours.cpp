// Programs the CPU profile's signal must leave as they are: blocking calls
// that a stray signal would interrupt with EINTR, exception unwinding and
// dlopen (the loader's lock, held where a signal may land), forks from a
// threaded program, allocation storms (the shim's own unwinder interrupted),
// and programs that profile themselves with SIGPROF. Each runs under
// `timeout`, bare and under the shim at the default rate and at the highest
// (SHIM_CPU_HZ=10000: a sample at every tick, each with overruns), and must
// print the same and exit the same.
#include <catch2/catch.hpp>

#include <string>
#include <unistd.h>

#include "harness.h"

using namespace harness;

static void same_as_bare(const std::string& command, const std::string& dir) {
    INFO(command);
    Result bare = run("timeout 120 " + command, dir);
    REQUIRE(bare.status == 0);
    for (const char* rate : {"", "SHIM_CPU_HZ=10000 "}) {
        INFO(rate);
        Result traced = run(std::string("timeout 120 env ") + rate + preload() + command, dir);
        CHECK(traced.status == bare.status);
        CHECK(traced.out == bare.out);
        CHECK(traced.err == bare.err);
    }
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

TEST_CASE("forks from a threaded program and allocation storms run to the end", "[profiler][integration]") {
    std::string dir = scratch_dir("neighbours_fork_alloc");
    same_as_bare(program_path("fork_threads"), dir);
    same_as_bare(program_path("stress") + " 4 50000 fork", dir);
}

TEST_CASE("a program's own SIGPROF profiler gets its own ticks only", "[profiler][integration]") {
    std::string dir = scratch_dir("neighbours_own_profiler");
    same_as_bare(program_path("own_profiler") + " 0.2", dir);
    // The log says why there is no profile.
    run("timeout 60 env " + preload() + program_path("own_profiler") + " 0.2", dir);
    Result report = run(analyzer_path() + " report log.bin", dir);
    CHECK(report.out.find("its own handler for the profile's signal") != std::string::npos);
}

// gperftools' profiler (Debian google-perftools) with CPUPROFILE: its own
// SIGPROF handler and ITIMER_PROF, set up in its constructor.
TEST_CASE("gperftools' CPU profiler still writes its profile under the shim", "[profiler][integration]") {
    const char* lib = "/usr/lib/x86_64-linux-gnu/libprofiler.so.0";
    if (access(lib, R_OK) != 0) {
        WARN("no " << lib << " (Debian google-perftools): skipped");
        return;
    }
    std::string dir = scratch_dir("neighbours_gperftools");
    // Either library's constructor may run first: the shim finds SIGPROF taken,
    // or sees the profiler take it.
    for (bool shim_first : {true, false}) {
        INFO("shim first: " << shim_first);
        std::string preloads = shim_first ? shim_path() + " " + lib : std::string(lib) + " " + shim_path();
        std::string command = "timeout 120 env CPUPROFILE=" + dir + "/cpu.prof LD_PRELOAD=\"" + preloads + "\" " +
                              program_path("cpu_split") + " 60";
        run("rm -f cpu.prof", dir);
        Result traced = run(command, dir);
        CHECK(traced.status == 0);
        CHECK(read_file(dir + "/cpu.prof").size() > 1000);  // a header, samples and the maps
    }
}
