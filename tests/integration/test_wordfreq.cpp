// Issue 15's workload: wordfreq, locked (one map behind one mutex) and
// sharded (a map per thread). Whatever the mode or thread count, and with or
// without the shim, it prints the same. The lock-contention finding on it is
// asserted where that rule is tested.
#include <catch2/catch.hpp>

#include <algorithm>

#include "analysis.h"
#include "harness.h"

using namespace harness;

namespace {

std::string wordfreq(const std::string& mode, int threads) {
    return repo_root() + "/workloads/wordfreq --mode " + mode + " -t " + std::to_string(threads) + " " +
           book_path();
}

}  // namespace

TEST_CASE("wordfreq prints the same in both modes and on any number of threads", "[waits][integration]") {
    std::string dir = scratch_dir("wordfreq_modes");
    Result reference = run(wordfreq("locked", 1), dir);
    REQUIRE(reference.status == 0);
    CHECK(reference.err.empty());
    // The total is LC_ALL=C wc -w's (and workloads/words'), then the top ten.
    CHECK(reference.out.find(": 215828 words, ") != std::string::npos);
    CHECK(reference.out.find("\n   13851 the\n") != std::string::npos);
    for (const char* mode : {"locked", "sharded"}) {
        for (int threads : {1, 2, 4, 7}) {
            INFO("mode " << mode << ", " << threads << " threads");
            Result r = run(wordfreq(mode, threads), dir);
            CHECK(r.status == 0);
            CHECK(r.out == reference.out);
            CHECK(r.err.empty());
        }
    }
}

TEST_CASE("wordfreq prints the same under the shim as bare, and its threads are in the log",
          "[waits][integration]") {
    for (const char* mode : {"locked", "sharded"}) {
        INFO("mode " << mode);
        std::string dir = scratch_dir(std::string("wordfreq_shim_") + mode);
        Result bare = run(wordfreq(mode, 4), dir);
        Result traced = run(preload() + wordfreq(mode, 4), dir);
        CHECK(bare.status == 0);
        CHECK(traced.status == bare.status);
        CHECK(traced.out == bare.out);
        CHECK(traced.err == bare.err);

        Analysis a = analyze(dir + "/log.bin");
        CHECK_FALSE(a.log.partial);
        CHECK(a.log.threads.size() >= 5);  // main and the four counting threads
        CHECK(a.calls_on("moby.txt", false) > 0);
    }
}

TEST_CASE("wordfreq: bad arguments exit 2, an unreadable file 1, with one line on stderr", "[waits][integration]") {
    std::string dir = scratch_dir("wordfreq_errors");
    std::string program = repo_root() + "/workloads/wordfreq";
    for (const char* args : {"", "--mode spinning FILE", "-t 0 FILE", "-t many FILE", "-t", "--bogus FILE", "A B"}) {
        INFO("arguments: " << args);
        Result r = run(program + " " + args, dir);
        CHECK(r.status == 2);
        CHECK(r.out.empty());
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    }
    for (const char* path : {"no-such-file", "."}) {
        INFO("path: " << path);
        Result r = run(program + " " + path, dir);
        CHECK(r.status == 1);
        CHECK(r.out.empty());
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    }
}
