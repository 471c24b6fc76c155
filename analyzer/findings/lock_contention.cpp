// Finding "lock-contention": threads spent a large share of their time
// blocked on one mutex or rwlock (waits.h). Its cost is the wait, capped at
// the run's wall time, and said as "up to": a blocked thread's wait overlaps
// the other threads' work, so removing it saves at most that much, usually less.
#include <algorithm>

#include "../analysis/wait_objects.h"
#include "../analysis/waits.h"
#include "../model/saturate.h"
#include "../model/time_axis.h"
#include "../symbols/name_simplify.h"
#include "../text/format.h"
#include "rules.h"

namespace analyzer {
namespace {

constexpr size_t kStackFrames = 8;
constexpr size_t kSitesInEvidence = 3;

std::string secs(uint64_t ns) { return human_seconds(double(ns) / 1e9); }

std::string plural(uint64_t n, const char* one, const char* many) { return with_commas(n) + " " + (n == 1 ? one : many); }

uint64_t rwlock_reads(const WaitObject& o) {
    uint64_t reads = 0;
    for (const WaitSiteTotals& s : o.sites) reads += s.kind == shimlog::WaitKind::RwRead ? s.waits : 0;
    return reads;
}

void add_site_evidence(const WaitObject& o, Finding& f) {
    for (size_t i = 0; i < o.sites.size() && i < kSitesInEvidence; ++i) {
        const WaitSiteTotals& s = o.sites[i];
        std::string way = o.noun != "rwlock" ? "" : s.kind == shimlog::WaitKind::RwRead ? " to read" : " to write";
        f.evidence.push_back("waited for" + way + " at " + simplify_site(s.where) + ": " + plural(s.waits, "wait", "waits") +
                             ", " + secs(s.wait_ns));
    }
    for (size_t i = 0; i < o.holders.size() && i < kSitesInEvidence; ++i) {
        const HolderSiteTotals& h = o.holders[i];
        std::string line = "held until " + simplify_site(h.where) + ": released " + plural(h.releases, "time", "times") +
                           " with threads waiting, ending " + secs(h.delay_ns) + " of their waits";
        if (h.timed_holds > 0)
            line += "; the holds timed there lasted " + secs(h.hold_ns / h.timed_holds) + " on average, " +
                    secs(h.max_hold_ns) + " at most";
        f.evidence.push_back(line);
    }
}

std::string advice_for(const WaitObject& o) {
    std::string advice =
        "Hold the lock for less: compute outside it and take it only for the shared update. Or share less: "
        "shard the data (one lock per shard), or give each thread its own state and merge at the end.";
    uint64_t reads = rwlock_reads(o);
    if (o.noun == "mutex")
        advice += " If most accesses only read, a reader-writer lock (std::shared_mutex) lets readers in together.";
    else if (reads * 2 >= o.waits)
        advice += " Readers waited for writers here: write less often, or in batches.";
    else
        advice += " Writers waited here: a reader-writer lock only helps when most accesses read.";
    return advice;
}

Finding make_finding(const RuleInput& in, const WaitsSummary& s, const WaitObject& o) {
    // However many threads waited, the run cannot get shorter than by its own length.
    uint64_t wall = saturating_u64(run_wall_ns(in.log));
    uint64_t up_to = wall > 0 ? std::min(o.wait_ns, wall) : o.wait_ns;
    Finding f;
    f.kind = "lock-contention";
    f.title = "Lock contention: threads waited " + secs(o.wait_ns) + " for " + wait_object_phrase(o.kind, o.label);
    if (!o.sites.empty()) {
        const WaitSiteTotals& top = o.sites.front();
        f.site = top.where;
        f.stack = in.sites.frames(top.stack_id, 0, kStackFrames);
        if (f.stack.empty()) f.stack.push_back(top.where);
    }
    f.evidence.push_back(plural(o.waits, "contended wait", "contended waits") + " by " +
                         (o.threads_at_least ? "at least " : "") + plural(o.threads, "thread", "threads") + ", " + secs(o.wait_ns) + " in all: " +
                         percent(double(o.wait_ns), s.threads_lifetime_ns) + " of the threads' summed lifetimes (" +
                         human_seconds(s.threads_lifetime_ns / 1e9) + "); the longest wait " + secs(o.max_ns));
    if (o.timeouts > 0) f.evidence.push_back(with_commas(o.timeouts) + " of the waits timed out");
    add_site_evidence(o, f);
    f.evidence.push_back("a thread's wait overlaps the other threads' work: the run would be faster by up to " +
                         secs(up_to) +
                         ", less where the waiting threads had nothing else to do");
    f.advice = advice_for(o);
    f.cost_ns = up_to;
    f.cost_up_to = true;
    const HolderSiteTotals* holder = o.holders.empty() ? nullptr : &o.holders.front();
    f.figures = {{"waits", double(o.waits)},
                 {"timeouts", double(o.timeouts)},
                 {"wait_seconds", double(o.wait_ns) / 1e9},
                 {"max_wait_seconds", double(o.max_ns) / 1e9},
                 {"share_of_threads_time", o.share},
                 {"threads", double(o.threads)},
                 {"hold_average_seconds",
                  holder && holder->timed_holds ? double(holder->hold_ns) / double(holder->timed_holds) / 1e9 : 0}};
    return f;
}

}  // namespace

std::vector<Finding> find_lock_contention(const RuleInput& in) {
    const WaitsSummary& s = in.analysis.waits;
    std::vector<Finding> found;
    if (!s.present || !s.timed || s.threads_lifetime_ns <= 0) return found;  // no times: no share to judge
    for (const WaitObject& o : s.objects) {
        if (!o.is_lock()) continue;  // waiting for work or a thread is not contention
        if (o.share < in.limits.lock_min_share || o.wait_ns < in.limits.lock_min_wait_us * 1000) continue;
        found.push_back(make_finding(in, s, o));
    }
    return found;
}

}  // namespace analyzer
