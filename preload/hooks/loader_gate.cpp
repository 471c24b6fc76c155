#include "loader_gate.h"

#include <atomic>
#include <sched.h>
#include <time.h>

#include "../clock.h"

namespace shim {
namespace {

std::atomic<int> g_walks{0};           // walks under way, one per thread at most
std::atomic<bool> g_fork_pending{false};
// Nested walks (a signal handler's stack inside an unwind) count once.
__thread int t_walk_depth __attribute__((tls_model("initial-exec"))) = 0;

// A walk lasts microseconds; a thread descheduled inside one a few ms. Past
// this the fork goes ahead rather than stall the program.
constexpr long kMaxWaitNs = 1000000000L;

long elapsed_ns(const timespec& since) {
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<long>(timespec_ns(now) - timespec_ns(since));
}

}  // namespace

bool loader_walk_begin() {
    if (t_walk_depth > 0) {
        ++t_walk_depth;
        return true;
    }
    g_walks.fetch_add(1, std::memory_order_seq_cst);
    if (g_fork_pending.load(std::memory_order_seq_cst)) {
        g_walks.fetch_sub(1, std::memory_order_seq_cst);
        return false;
    }
    t_walk_depth = 1;
    return true;
}

void loader_walk_end() {
    if (--t_walk_depth == 0) g_walks.fetch_sub(1, std::memory_order_release);
}

void loader_walks_before_fork() {
    g_fork_pending.store(true, std::memory_order_seq_cst);
    // fork called from a handler that interrupted this thread's own walk:
    // that walk cannot end first (the lock is then this thread's, and stays
    // usable by the same thread in the child).
    const int own = t_walk_depth > 0 ? 1 : 0;
    timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (g_walks.load(std::memory_order_seq_cst) > own && elapsed_ns(start) < kMaxWaitNs) sched_yield();
}

void loader_walks_after_fork(bool child) {
    if (child) g_walks.store(t_walk_depth > 0 ? 1 : 0, std::memory_order_relaxed);
    g_fork_pending.store(false, std::memory_order_release);
}

}  // namespace shim
