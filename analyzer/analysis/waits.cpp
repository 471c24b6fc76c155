#include "waits.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <map>
#include <set>
#include <utility>

#include "../model/time_axis.h"
#include "wait_objects.h"

namespace analyzer {

const char* const kWaitsBlindSpots =
    "not seen: waits on raw futexes (std::atomic::wait, static-initialisation guards, glibc's internal "
    "locks such as stdio's and malloc's) and blocking syscalls in other libraries; uncontended "
    "acquisitions cost no clock read and are not counted";

bool WaitObject::is_lock() const { return is_lock_wait(kind); }

namespace {

// rwlock read and write waits are one object; everything else by its kind.
using ObjectKey = std::pair<uint64_t, std::string>;
ObjectKey key_of(uint64_t object, shimlog::WaitKind kind) { return {object, wait_object_noun(kind)}; }

double threads_lifetime_ns(const Log& log) {
    if (!log.ticks_calibrated) return 0;
    double sum = 0;
    bool main_seen = false;
    for (const ThreadInfo& t : log.threads) {
        sum += thread_end_ns(log, t) - thread_start_ns(log, t);
        main_seen = main_seen || t.is_main;
    }
    if (!main_seen) sum += run_wall_ns(log);  // no thread records, or the main thread's missing
    return sum;
}

// Threads seen waiting on each object in the per-wait events, and how many
// waits the events hold for it (to tell whether they are all there).
struct EventTally {
    std::set<uint32_t> tids;
    uint64_t waits = 0;
};

void count_threads(const Log& log, std::map<ObjectKey, EventTally>& tallies, WaitObject& o) {
    uint32_t most_at_one_site = 0;
    for (const WaitSiteTotals& s : o.sites) most_at_one_site = std::max(most_at_one_site, s.threads);
    auto found = tallies.find({o.object, o.noun});
    uint32_t from_events = found == tallies.end() ? 0 : uint32_t(found->second.tids.size());
    bool events_complete = log.waits.dropped_events == 0 && found != tallies.end() && found->second.waits == o.waits;
    if (events_complete) {
        o.threads = from_events;
    } else {
        o.threads = std::max(most_at_one_site, from_events);
        o.threads_at_least = o.sites.size() > 1;
    }
}

// Sites whose stacks differ only past the frame the report names ("waited
// at PyThread_acquire_lock_timed at thread_pthread.h:497", reached from three
// callers) read as one site: their rows are summed, the costliest stack kept.
// Their threads are counted exactly from the per-wait events when those are
// all there, else the most at one of the stacks (a lower bound).
void merge_same_sites(const Log& log, WaitObject& o) {
    std::map<std::pair<int, std::string>, size_t> first;  // (kind, where) -> row kept
    std::map<size_t, std::set<uint32_t>> stacks_of;        // row kept -> its stacks
    std::vector<WaitSiteTotals> kept;
    for (const WaitSiteTotals& row : o.sites) {
        auto [at, added] = first.emplace(std::make_pair(int(row.kind), row.where), kept.size());
        stacks_of[at->second].insert(row.stack_id);
        if (added) {
            kept.push_back(row);
            continue;
        }
        WaitSiteTotals& into = kept[at->second];
        if (row.wait_ns > into.wait_ns) into.stack_id = row.stack_id;
        into.waits += row.waits, into.timeouts += row.timeouts, into.wait_ns += row.wait_ns;
        into.max_ns = std::max(into.max_ns, row.max_ns);
        into.threads = std::max(into.threads, row.threads);
    }
    if (kept.size() == o.sites.size()) return;
    for (size_t i = 0; i < kept.size(); ++i) {
        if (stacks_of[i].size() < 2) continue;
        std::set<uint32_t> tids;
        uint64_t events = 0;
        for (const WaitEvent& e : log.waits.events)
            if (e.object == o.object && e.kind == kept[i].kind && stacks_of[i].count(e.stack_id))
                tids.insert(e.tid), events++;
        if (log.waits.dropped_events == 0 && events == kept[i].waits) kept[i].threads = uint32_t(tids.size());
    }
    o.sites.swap(kept);
}

void merge_same_holders(WaitObject& o) {
    std::map<std::string, size_t> first;
    std::vector<HolderSiteTotals> kept;
    for (const HolderSiteTotals& row : o.holders) {
        auto [at, added] = first.emplace(row.where, kept.size());
        if (added) {
            kept.push_back(row);
            continue;
        }
        HolderSiteTotals& into = kept[at->second];
        if (row.delay_ns > into.delay_ns) into.stack_id = row.stack_id;
        into.releases += row.releases, into.delay_ns += row.delay_ns, into.timed_holds += row.timed_holds;
        into.hold_ns += row.hold_ns;
        into.max_hold_ns = std::max(into.max_hold_ns, row.max_hold_ns);
    }
    o.holders.swap(kept);
}

// Heap objects are named by their first wait site, so a pool's condition
// variables, all waited for at one line, would read alike: each then gets
// its address too.
void tell_apart_same_labels(std::vector<WaitObject>& objects) {
    std::map<std::string, size_t> uses;
    for (const WaitObject& o : objects) uses[o.label]++;
    for (WaitObject& o : objects) {
        if (uses[o.label] < 2 || o.kind == shimlog::WaitKind::Join) continue;
        char address[24];
        std::snprintf(address, sizeof address, " (0x%" PRIx64 ")", o.object);
        o.label += address;
    }
}

}  // namespace

std::string waits_not_recorded(const Log& log) {
    if (log.waits_recorded()) return "";
    if (log.waits_recording == WaitsRecording::NotRecorded) return "waits were not recorded (SHIM_WAITS=0)";
    return "waits were not recorded (SHIM_WAITS=0, or a shim older than the wait hooks)";
}

WaitsSummary summarize_waits(const Log& log, ThreadNamer& names) {
    WaitsSummary summary;
    const Waits& w = log.waits;
    summary.not_recorded = waits_not_recorded(log);
    summary.present = w.present();
    if (!summary.present) return summary;
    summary.timed = log.ticks_calibrated;
    summary.threads_lifetime_ns = threads_lifetime_ns(log);
    summary.dropped_events = w.dropped_events;
    CallSites& sites = names.sites();

    std::map<ObjectKey, size_t> index;
    for (const WaitSite& s : w.sites) {
        ObjectKey key = key_of(s.object, s.kind);
        auto [at, added] = index.emplace(key, summary.objects.size());
        if (added) {
            summary.objects.emplace_back();
            summary.objects.back().object = s.object;
            summary.objects.back().noun = key.second;
        }
        WaitObject& o = summary.objects[at->second];
        WaitSiteTotals row;
        row.stack_id = s.stack_id;
        row.kind = s.kind;
        row.where = sites.site_name(s.stack_id, 0);
        row.waits = s.waits, row.timeouts = s.timeouts, row.wait_ns = s.wait_ns, row.max_ns = s.max_ns;
        row.threads = s.threads;
        o.sites.push_back(row);
        o.waits += s.waits, o.timeouts += s.timeouts, o.wait_ns += s.wait_ns;
        o.max_ns = std::max(o.max_ns, s.max_ns);
    }
    // Holders of a mutex no thread waited at (a log cut before its sites) still
    // get an object; a semaphore's posts go with its waits.
    for (const LockHolder& h : w.holders) {
        ObjectKey key = key_of(h.object, h.kind);
        auto [at, added] = index.emplace(key, summary.objects.size());
        if (added) {
            summary.objects.emplace_back();
            summary.objects.back().object = h.object;
            summary.objects.back().noun = key.second;
        }
        HolderSiteTotals row;
        row.stack_id = h.stack_id;
        row.where = sites.site_name(h.stack_id, 0);
        row.releases = h.releases, row.delay_ns = h.delay_ns, row.timed_holds = h.timed_holds;
        row.hold_ns = h.hold_ns, row.max_hold_ns = h.max_hold_ns;
        summary.objects[at->second].holders.push_back(row);
    }

    std::map<ObjectKey, EventTally> tallies;
    for (const WaitEvent& e : w.events) {
        EventTally& t = tallies[key_of(e.object, e.kind)];
        t.tids.insert(e.tid);
        t.waits++;
    }

    for (WaitObject& o : summary.objects) {
        merge_same_sites(log, o);
        merge_same_holders(o);
        std::stable_sort(o.sites.begin(), o.sites.end(), [](const WaitSiteTotals& a, const WaitSiteTotals& b) {
            return a.wait_ns != b.wait_ns ? a.wait_ns > b.wait_ns : a.waits > b.waits;
        });
        std::stable_sort(o.holders.begin(), o.holders.end(), [](const HolderSiteTotals& a, const HolderSiteTotals& b) {
            return a.delay_ns != b.delay_ns ? a.delay_ns > b.delay_ns : a.releases > b.releases;
        });
        o.kind = o.sites.empty() ? shimlog::WaitKind::Mutex : o.sites.front().kind;
        o.label = wait_object_label(o.object, o.kind, o.sites.empty() ? 0 : o.sites.front().stack_id, names);
        count_threads(log, tallies, o);
        o.share = summary.threads_lifetime_ns > 0 ? double(o.wait_ns) / summary.threads_lifetime_ns : 0;
        uint64_t& total = is_lock_wait(o.kind)                   ? summary.lock_wait_ns
                          : o.kind == shimlog::WaitKind::Join ? summary.join_wait_ns
                                                              : summary.event_wait_ns;
        total += o.wait_ns;
    }
    std::stable_sort(summary.objects.begin(), summary.objects.end(), [](const WaitObject& a, const WaitObject& b) {
        return a.wait_ns != b.wait_ns ? a.wait_ns > b.wait_ns : a.waits > b.waits;
    });
    tell_apart_same_labels(summary.objects);
    return summary;
}

}  // namespace analyzer
