// Finding "threads-too-fine": many threads doing the same work, each living
// about as long as it takes to start one, so creating them is most of the
// cost (mandelbrot's thread per pixel). Batching or a pool fixes it.
#include <algorithm>
#include <map>

#include "../model/time_axis.h"
#include "../analysis/threads_summary.h"
#include "../text/format.h"
#include "rules.h"

namespace analyzer {
namespace {

bool too_fine(const ThreadGroupStats& g, const Thresholds& limits) {
    if (g.is_main || g.count() < limits.threads_fine_min_count) return false;
    if (g.creation_known > 0 && g.lifetime_median_ns <= limits.threads_fine_lifetime_factor * g.creation_median_ns)
        return true;
    return g.lifetime_median_ns <= double(limits.threads_fine_max_lifetime_us) * 1e3;
}

// The thread that started most of the group's threads; null when unknown.
const ThreadInfo* creator_of(const Log& log, const ThreadGroupStats& g) {
    std::map<uint32_t, size_t> parents;
    for (size_t index : g.members) parents[log.threads[index].parent_tid]++;
    auto most = std::max_element(parents.begin(), parents.end(),
                                 [](const auto& a, const auto& b) { return a.second < b.second; });
    if (most == parents.end() || most->first == 0) return nullptr;
    for (const ThreadInfo& t : log.threads)
        if (t.tid == most->first) return &t;
    return nullptr;
}

Finding make_finding(const Log& log, const ThreadsSummary& s, const ThreadGroupStats& g, CallSites& sites) {
    double run = run_wall_ns(log);
    // The time lost to starting them: each start waits count x median start
    // at most, but that latency overlaps other threads' work when many are
    // alive; the creating thread's whole CPU time bounds the serial part of
    // it (it starts them one by one). The smaller, and never the whole run.
    double starts = double(g.count()) * g.creation_median_ns;
    const ThreadInfo* creator = creator_of(log, g);
    double overhead = std::min(starts, run);
    if (creator != nullptr) overhead = std::min(overhead, double(creator->cpu_ns));
    Finding f;
    f.kind = "threads-too-fine";
    f.title = "Threads too fine-grained: " + with_commas(g.count()) + " threads (" + g.label + ") lived " +
              human_seconds(g.lifetime_median_ns / 1e9) + " each (median)";
    f.site = g.created_at.empty() ? g.label : g.created_at;
    if (g.create_stack != 0) f.stack = sites.frames(g.create_stack, 0, 6);
    if (g.creation_known > 0)
        f.evidence.push_back("starting one took " + human_seconds(g.creation_median_ns / 1e9) +
                             " (median, pthread_create called to thread running), " +
                             fixed(g.creation_median_ns / std::max(1.0, g.lifetime_median_ns), 1) +
                             "x as long as it then lived");
    // A lifetime runs from the start routine's first instruction; a thread's
    // CPU clock from the new thread's first, its start-up in libc included:
    // px's threads ran 771 ns and used 27 us. Say so rather than print both.
    bool cpu_exceeds_life = g.cpu_median_ns > g.lifetime_median_ns;
    f.evidence.push_back("lifetimes " + human_seconds(g.lifetime_min_ns / 1e9) + " to " +
                         human_seconds(g.lifetime_max_ns / 1e9) + " (from the start routine to the end); CPU per "
                         "thread " + human_seconds(g.cpu_median_ns / 1e9) + " (median), " +
                         human_seconds(g.cpu_total_ns / 1e9) + " in all" +
                         (cpu_exceeds_life ? ": more than the median lifetime, as a thread's CPU clock also counts "
                                             "the start-up the new thread does before its routine runs"
                                           : ""));
    f.evidence.push_back("at most " + with_commas(s.peak_alive) + " threads were alive at once (" +
                             with_commas(s.threads) + " in the whole run)");
    if (g.creation_known > 0 && run > 0)
        f.evidence.push_back(
            "starting them cost about " + human_seconds(overhead / 1e9) + ", " + percent(overhead, run) + " of the " +
            human_seconds(run / 1e9) + " run: the smaller of " + with_commas(g.count()) + " x the median start (" +
            human_seconds(starts / 1e9) + ")" +
            (creator ? " and the CPU time of the thread that started them (" + human_seconds(creator->cpu_ns / 1e9) + ")"
                     : std::string()));
    f.advice = "Give each thread a batch of work (a block of rows, not a pixel), or start one worker per core "
               "once and let the workers take items from a shared queue (a thread pool).";
    f.cost_ns = uint64_t(overhead);
    f.cost_estimated = true;
    f.figures = {{"threads", double(g.count())},
                 {"lifetime_median_seconds", g.lifetime_median_ns / 1e9},
                 {"creation_median_seconds", g.creation_median_ns / 1e9},
                 {"cpu_median_seconds", g.cpu_median_ns / 1e9},
                 {"cpu_total_seconds", g.cpu_total_ns / 1e9},
                 {"peak_alive", double(s.peak_alive)},
                 {"estimated_overhead_seconds", overhead / 1e9}};
    return f;
}

}  // namespace

std::vector<Finding> find_threads_too_fine(const RuleInput& in) {
    const Log& log = in.log;
    CallSites& sites = in.sites;
    const Thresholds& limits = in.limits;
    std::vector<Finding> found;
    if (log.threads.size() < limits.threads_fine_min_count) return found;
    const ThreadsSummary& s = in.analysis.threads;
    if (!s.times_known) return found;  // lifetimes need the log's clock (an End record)
    for (const ThreadGroupStats& g : s.groups)
        if (too_fine(g, limits)) found.push_back(make_finding(log, s, g, sites));
    return found;
}

}  // namespace analyzer
