// analyzer ctl knows a controlled process by the announcement its shim wrote
// for that very process (<pid>.ready with the process's start time), not by
// the library's file name nor by a file a dead process of that pid left.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <fstream>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include "harness.h"

using namespace harness;

TEST_CASE("ctl reaches a controlled process whose shim library has another name", "[windows][integration]") {
    std::string dir = scratch_dir("ctl_renamed_library");
    std::string renamed = dir + "/profiler-copy.so";
    REQUIRE(run("cp '" + shim_path() + "' '" + renamed + "'", dir).status == 0);
    long pid = std::stol(
        run("SHIM_START=paused LD_PRELOAD=" + renamed + " sleep 20 >/dev/null 2>&1 & echo $!", dir).out);
    Result r;
    for (int attempt = 0; attempt < 50; ++attempt) {  // until its constructor announced it
        r = run(analyzer_path() + " ctl " + std::to_string(pid) + " status", dir);
        if (r.status == 0) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    kill(pid, SIGKILL);
    CHECK(r.status == 0);
    CHECK(r.out.rfind("paused: no window yet", 0) == 0);
}

TEST_CASE("ctl does not take a dead process's announcement for a later one with its pid", "[windows][integration]") {
    std::string dir = scratch_dir("ctl_stale_announcement");
    long pid = std::stol(run("sleep 20 >/dev/null 2>&1 & echo $!", dir).out);
    std::string control = "/tmp/shim-control." + std::to_string(geteuid());
    mkdir(control.c_str(), 0700);
    std::string ready = control + "/" + std::to_string(pid) + ".ready";
    std::ofstream(ready) << "start 1\n" << dir << "/log.bin\n";  // as a process of that pid once booted left it
    Result r = run(analyzer_path() + " ctl " + std::to_string(pid) + " start --timeout 2", dir);
    unlink(ready.c_str());
    kill(pid, SIGKILL);
    CHECK(r.status == 1);
    CHECK(r.err == "analyzer: ctl: process " + std::to_string(pid) + " is not traced: libshim.so is not loaded in it\n");
}
