// A finding: one thing that makes the program slow, with its evidence, the
// place in the code and what to do. Rules make them; views show them.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace analyzer {

struct Finding {
    std::string kind;                  // stable id: "unbuffered-io", ...
    std::string title;                 // one line: what and where
    std::vector<std::string> evidence; // measured facts, one per line
    std::string site;                  // "readbyte(int) at words.cpp:31"
    std::vector<std::string> stack;    // the site's stack, site first
    std::string advice;                // what to do about it
    uint64_t cost_ns = 0;              // time it costs, for ranking
    bool cost_estimated = false;       // cost_ns is an estimate (from a model), not a measured time
    bool cost_at_least = false;        // cost_ns is a lower bound (part of the cost was not timed)
    bool cost_up_to = false;           // cost_ns is an upper bound (waits overlap other threads' work)
    bool cost_known = true;            // false: the log cannot tell (no calibrated clock); never "cheap"
    uint64_t cost_bytes = 0;           // memory findings (leaks): ranked after every time finding, by this
    bool below_min_cost = false;       // count-triggered and cheaper than --min-cost: left out of the report
    std::string follows;               // a finding kind whose fix removes this cost too: ranked right after it
    std::map<std::string, double> figures;  // the numbers behind it, for JSON
};

struct Thresholds {
    // unbuffered I/O: a (file, site) with at least this many calls ...
    uint64_t io_min_calls = 1000;
    // ... of which more than this share moved at most io_small_bytes each
    double io_small_share = 0.5;
    uint64_t io_small_bytes = 512;  // a histogram bucket edge: 1, 16 or 512
    uint64_t io_buffer_bytes = 64 * 1024;  // the buffer size advised
    // reopened file: one path opened (and used) at least this many times
    uint64_t reopen_min_opens = 1000;
    // allocation hot spot: a site with at least this share of all allocations ...
    double alloc_min_share = 0.10;
    // ... and at least this many of them ...
    uint64_t alloc_min_count = 100000;
    // ... of which at least this share were temporary
    double alloc_temporary_share = 0.5;
    // ... or allocates this many times the peak heap (short-lived by volume)
    double alloc_churn_factor = 100;
    // leak: a site still holding this many bytes at a normal exit. Programs
    // keep a few KiB on purpose (stdio buffers, singletons the OS reclaims);
    // 1 MiB is far above that noise and enough to matter in RSS.
    uint64_t leak_min_bytes = 1u << 20;
    // serial phase: one thread's worth of CPU busy for at least
    // max(serial_min_ms, serial_min_share x run): one 10 ms window, the
    // resolution of P(t) (concurrency.h), and enough of this run to matter.
    uint64_t serial_min_ms = 10;
    double serial_min_share = 0.05;
    // idle phase: nothing on CPU for at least this share of the run (shorter
    // idle phases are listed in the Concurrency section only).
    double idle_min_share = 0.25;
    // CPU hot spot: one function holding at least this share of the CPU the
    // profile sampled (its flat share) ...
    double cpu_min_share = 0.20;
    // ... in a profile of at least this many samples (half a second of one
    // thread's CPU at the default 100 Hz): fewer are too noisy to rank.
    uint64_t cpu_min_samples = 50;
    // threads too fine-grained: at least this many threads doing the same work ...
    uint64_t threads_fine_min_count = 1000;
    // ... whose median lifetime is at most this many times the median cost of
    // starting one (pthread_create to running), or at most threads_fine_max_lifetime_us
    double threads_fine_lifetime_factor = 4;
    uint64_t threads_fine_max_lifetime_us = 100;
    // lock contention: a mutex or rwlock whose waits cost at least this share
    // of the threads' summed lifetimes (one thread in twenty blocked on it the
    // whole run, or all of them a twentieth of it) ...
    double lock_min_share = 0.05;
    // ... and at least this much wait in all: less is nothing a user notices.
    uint64_t lock_min_wait_us = 1000;
    // --min-cost: a count-triggered finding (count_triggered()) is raised only
    // when it costs at least max(min_cost_share x the run's wall time,
    // min_cost_floor_ns). Under 1% of the run, fixing it cannot be told from
    // run-to-run noise; under 5 ms, nobody waiting for a command notices.
    double min_cost_share = 0.01;
    uint64_t min_cost_floor_ns = 5000000;
};

}  // namespace analyzer
