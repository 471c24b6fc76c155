// The shim's walks of the loader's list and fork (preload/hooks/loader_gate.h): a
// fork must never happen while one is under way on another thread, or the
// child inherits glibc's loader lock held (a hang at its _exit).
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "../../preload/hooks/loader_gate.h"

using namespace shim;

TEST_CASE("fork waits for a walk under way on another thread", "[unit][shim]") {
    std::atomic<bool> walking{false}, release{false};
    std::thread walker([&] {
        LoaderWalk walk;
        REQUIRE(walk.entered());
        walking = true;
        while (!release) std::this_thread::yield();
    });
    while (!walking) std::this_thread::yield();
    std::thread releaser([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        release = true;
    });
    auto start = std::chrono::steady_clock::now();
    loader_walks_before_fork();  // returns only once the walker is done
    auto waited = std::chrono::steady_clock::now() - start;
    CHECK(release.load());
    CHECK(waited >= std::chrono::milliseconds(40));
    // Meanwhile no new walk starts: the caller skips it.
    {
        LoaderWalk late;
        CHECK_FALSE(late.entered());
    }
    loader_walks_after_fork(false);
    {
        LoaderWalk after;
        CHECK(after.entered());
    }
    walker.join();
    releaser.join();
}

TEST_CASE("a fork from inside this thread's own walk does not wait for it", "[unit][shim]") {
    LoaderWalk outer;
    REQUIRE(outer.entered());
    {
        LoaderWalk nested;  // a signal handler's stack inside an unwind
        CHECK(nested.entered());
    }
    auto start = std::chrono::steady_clock::now();
    loader_walks_before_fork();
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(500));
    loader_walks_after_fork(true);
    LoaderWalk again;
    CHECK(again.entered());
}
