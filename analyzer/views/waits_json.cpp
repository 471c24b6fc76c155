// The JSON report's "waits" object: the text section's objects, every one,
// with all their wait and holder sites (full names). Written only when the
// log has wait records, like "cpu_profile", so other reports stay as they were.
#include "../analysis/wait_objects.h"
#include "../analysis/waits.h"
#include "../encode/json_writer.h"
#include "report.h"

namespace analyzer {
namespace {

double secs(uint64_t ns) { return double(ns) / 1e9; }

void write_object(const WaitObject& o, JsonWriter& json) {
    json.begin_object()
        .field("object", o.object)
        .field("noun", o.noun)
        .field("label", o.label)
        .field("class", wait_class(o.kind))
        .field("meaning", wait_meaning(o.kind))
        .field("waits", o.waits)
        .field("timeouts", o.timeouts)
        .field("wait_seconds", secs(o.wait_ns))
        .field("max_wait_seconds", secs(o.max_ns))
        .field("threads", uint64_t(o.threads))
        .field("threads_at_least", o.threads_at_least)
        .field("share_of_threads_time", o.share);
    json.begin_array("wait_sites");
    for (const WaitSiteTotals& s : o.sites)
        json.begin_object()
            .field("site", s.where)
            .field("stack_id", uint64_t(s.stack_id))
            .field("kind", wait_kind_name(s.kind))
            .field("waits", s.waits)
            .field("timeouts", s.timeouts)
            .field("wait_seconds", secs(s.wait_ns))
            .field("max_wait_seconds", secs(s.max_ns))
            .field("threads", uint64_t(s.threads))
            .end_object();
    json.end_array();
    json.begin_array("holder_sites");
    for (const HolderSiteTotals& h : o.holders)
        json.begin_object()
            .field("site", h.where)
            .field("stack_id", uint64_t(h.stack_id))
            .field("releases", h.releases)
            .field("delay_seconds", secs(h.delay_ns))
            .field("timed_holds", h.timed_holds)
            .field("hold_seconds", secs(h.hold_ns))
            .field("max_hold_seconds", secs(h.max_hold_ns))
            .end_object();
    json.end_array().end_object();
}

}  // namespace

void write_waits_json(const ReportInput& in, JsonWriter& json) {
    const WaitsSummary& s = in.analysis.waits;
    if (!s.present) return;
    json.begin_object("waits")
        .field("present", true)
        .field("times_known", s.timed)
        .field("lock_wait_seconds", secs(s.lock_wait_ns))
        .field("event_wait_seconds", secs(s.event_wait_ns))
        .field("join_wait_seconds", secs(s.join_wait_ns))
        .field("threads_lifetime_seconds", s.threads_lifetime_ns / 1e9)
        .field("dropped_events", s.dropped_events)
        .field("not_seen", kWaitsBlindSpots);
    json.begin_array("objects");
    for (const WaitObject& o : s.objects) write_object(o, json);
    json.end_array().end_object();
}

}  // namespace analyzer
