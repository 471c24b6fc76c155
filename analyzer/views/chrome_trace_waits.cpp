#include "chrome_trace_waits.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "../model/time_axis.h"
#include "../text/format.h"
#include "../analysis/wait_objects.h"
#include "wait_names.h"

namespace analyzer {
namespace {

// The indices of the events to write: all of them, or over the cap the
// longest (ties broken by file order, so the choice is stable), in file order.
std::vector<size_t> waits_to_write(const std::vector<WaitEvent>& events, const std::vector<size_t>& drawable,
                                   size_t cap) {
    std::vector<size_t> kept = drawable;
    if (cap > 0 && kept.size() > cap) {
        std::nth_element(kept.begin(), kept.begin() + cap, kept.end(), [&](size_t a, size_t b) {
            if (events[a].length_ns != events[b].length_ns) return events[a].length_ns > events[b].length_ns;
            return a < b;
        });
        kept.resize(cap);
    }
    std::sort(kept.begin(), kept.end());
    return kept;
}

// Tells apart objects the name cannot (two heap mutexes first waited for at one site).
std::string object_id(const WaitEvent& w) {
    if (w.kind == shimlog::WaitKind::Join) return "tid " + std::to_string(w.object);
    char buf[32];
    snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(w.object));
    return buf;
}

}  // namespace

std::vector<std::string> write_wait_slices(JsonWriter& json, const Log& log, CallSites& sites,
                                           const std::map<uint32_t, uint64_t>& drawn,
                                           const std::map<uint32_t, uint64_t>& named, const WaitTraceOptions& options) {
    std::vector<std::string> notes;
    const std::vector<WaitEvent>& events = log.waits.events;
    if (events.empty()) return notes;
    if (!log.ticks_calibrated) {
        notes.push_back("waits left out of the trace: the log has no end record to calibrate its clock");
        return notes;
    }
    std::set<uint32_t> recorded;  // threads with a record: drawn, or left out with their waits
    for (const ThreadInfo& t : log.threads) recorded.insert(t.tid);

    std::vector<size_t> drawable;
    uint64_t undrawn = 0;
    for (size_t i = 0; i < events.size(); ++i) {
        uint32_t tid = events[i].tid;
        if (drawn.count(tid) || !recorded.count(tid))
            drawable.push_back(i);
        else
            ++undrawn;
    }
    std::vector<size_t> kept = waits_to_write(events, drawable, options.max_waits);

    WaitNames names(log, sites);
    std::map<uint32_t, std::string> site_names;  // by stack: many waits share a few sites
    std::set<uint32_t> own_tracks_named;
    for (size_t i : kept) {
        const WaitEvent& w = events[i];
        auto found = drawn.find(w.tid);
        uint64_t track = found == drawn.end() ? w.tid : found->second;
        if (found == drawn.end() && !named.count(w.tid) && own_tracks_named.insert(w.tid).second) {
            std::string name = w.tid == log.process.pid ? "main thread" : "thread " + std::to_string(w.tid);
            json.begin_object().field("ph", "M").field("name", "thread_name").field("pid", uint64_t(log.process.pid));
            json.field("tid", uint64_t(w.tid)).begin_object("args").field("name", name).end_object().end_object();
        }
        json.begin_object()
            .field("ph", "X")
            .field("cat", "wait")
            .field("name", names.name(w.object, w.kind, w.stack_id))
            .field("pid", uint64_t(log.process.pid))
            .field("tid", track)
            .field("ts", run_ns_from_ticks(log, w.start_ticks) / 1e3)
            .field("dur", double(w.length_ns) / 1e3);
        auto site = site_names.find(w.stack_id);
        if (site == site_names.end()) site = site_names.emplace(w.stack_id, sites.site_name(w.stack_id, 0)).first;
        json.begin_object("args")
            .field("site", site->second)
            .field("wait_us", double(w.length_ns) / 1e3)
            .field("timed_out", w.timed_out)
            .field("kind", wait_kind_name(w.kind))
            .field("object", object_id(w))
            .field("tid", uint64_t(w.tid));
        json.end_object().end_object();
    }

    if (kept.size() < drawable.size()) {
        uint64_t shortest = UINT64_MAX;
        for (size_t i : kept) shortest = std::min(shortest, events[i].length_ns);
        notes.push_back("the trace has the " + with_commas(kept.size()) + " longest of " + with_commas(drawable.size()) +
                        " waits (over the cap of " + with_commas(options.max_waits) + "): those under " +
                        human_seconds(double(shortest) / 1e9) + " left out");
    }
    if (undrawn > 0)
        notes.push_back(with_commas(undrawn) + " waits of threads not drawn left out of the trace");
    if (log.waits.dropped_events > 0)
        notes.push_back(with_commas(log.waits.dropped_events) +
                        " waits were lost to full buffers in the shim: the trace lacks them (the totals do not)");
    return notes;
}

}  // namespace analyzer
