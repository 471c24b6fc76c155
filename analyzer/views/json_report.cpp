// The JSON report: the same model as the text report, under stable keys
// (described by analyzer/report.schema.json: change both together). Bump
// kReportVersion on any change that is not a pure addition.
#include "../analysis/budget_words.h"
#include "../analysis/alloc_sites.h"
#include "../symbols/elf_kind.h"
#include "../symbols/name_simplify.h"
#include "../model/syscall_names.h"
#include "../analysis/unseen_io.h"
#include "../analysis/waits.h"
#include "../encode/json_writer.h"
#include "report.h"

namespace analyzer {
namespace {

constexpr int kReportVersion = 1;

void write_process(JsonWriter& json, const Log& log) {
    const ProcessInfo& p = log.process;
    json.begin_object("process")
        .field("pid", p.pid)
        .field("ppid", p.ppid)
        .field("parent_traced", p.parent_traced)
        .field("exe", p.exe)
        .field("exe_kind", elf_kind_name(elf_kind(p.exe)))  // "go": Go's own syscalls were invisible
        .strings("argv", p.argv)
        .field("start_unix_ns", p.start_realtime_ns)
        .field("wall_seconds", double(log.duration_ns()) / 1e9);
    json.begin_object("end").field("present", log.end.present);
    if (log.end.present) {
        static const char* const reasons[] = {"exit", "_exit", "exec", "signal", "window-closed", "snapshot"};
        unsigned reason = static_cast<unsigned>(log.end.reason);
        json.field("reason", reason < 6 ? reasons[reason] : "unknown")
            .field("status", int64_t(log.end.exit_status))
            .field("dropped_events", log.end.dropped);
    }
    json.end_object();
    if (log.window.present) {
        const WindowInfo& w = log.window;
        json.begin_object("window")
            .field("index", w.index)
            .field("opened_by", window_cause_name(w.opened_by))
            .field("closed_by", window_cause_name(w.closed_by))
            .field("seconds", w.end_ns > w.start_ns ? double(w.end_ns - w.start_ns) / 1e9 : 0.0)
            .field("heap_at_start", w.heap_at_start)
            .field("heap_at_end", w.heap_at_end)
            .end_object();
    }
    if (log.budget.present) {
        const BudgetInfo& b = log.budget;
        json.begin_object("budget")
            .field("limit_bytes", b.limit_bytes)
            .field("sampled", b.sampled())
            .field("sampling_log_bytes", b.sampling_bytes)
            .field("sampling_seconds", b.sampled() ? budget_seconds(log, b.sampling_ns) : 0.0)
            .field("stopped", b.stopped())
            .field("stopped_log_bytes", b.stopped_bytes)
            .field("stopped_seconds", b.stopped() ? budget_seconds(log, b.stopped_ns) : 0.0)
            .field("alloc_events_unwritten", b.alloc_events_unwritten)
            .field("records_unwritten", b.records_unwritten)
            .field("bytes_unwritten", b.bytes_unwritten)
            .field("alloc_exact_unwritten", b.alloc_exact_unwritten)
            .field("summary", budget_summary(log))
            .end_object();
    }
    json.end_object();
}

void write_findings(JsonWriter& json, const std::vector<Finding>& findings) {
    json.begin_array("findings");
    for (const Finding& f : findings) {
        json.begin_object()
            .field("kind", f.kind)
            .field("title", f.title)
            .field("site", f.site)
            .strings("stack", f.stack)
            .strings("evidence", f.evidence)
            .field("advice", f.advice)
            .field("cost_seconds", double(f.cost_ns) / 1e9)
            .field("site_short", simplify_site(f.site))
            .field("cost_estimated", f.cost_estimated)
            .field("cost_bytes", f.cost_bytes);
        json.begin_object("figures");
        for (const auto& figure : f.figures) json.field(figure.first.c_str(), figure.second);
        json.end_object().end_object();
    }
    json.end_array();
}

void write_histogram(JsonWriter& json, const uint64_t (&histogram)[shimlog::kSizeBuckets]) {
    static const char* const buckets[] = {"0", "1", "2-16", "17-512", "513-4K", "4K-64K", "64K-1M", "1M+"};
    json.begin_object("size_histogram");
    for (unsigned b = 0; b < shimlog::kSizeBuckets; ++b) json.field(buckets[b], histogram[b]);
    json.end_object();
}

void write_io(JsonWriter& json, const ReportInput& in) {
    json.begin_array("syscalls");
    for (const SyscallTotals& t : in.analysis.syscalls)
        json.begin_object()
            .field("syscall", syscall_name(t.syscall))
            .field("calls", t.calls)
            .field("errors", t.errors)
            .field("seconds", double(t.time_ns) / 1e9)
            .end_object();
    json.end_array();

    const UnseenIo& unseen = in.analysis.unseen;
    json.begin_object("kernel_io").field("known", unseen.known);
    for (const auto& [name, d] : {std::pair<const char*, const IoDirection&>{"reads", unseen.reads},
                                  std::pair<const char*, const IoDirection&>{"writes", unseen.writes}})
        json.begin_object(name)
            .field("kernel_calls", d.kernel_calls)
            .field("kernel_bytes", d.kernel_bytes)
            .field("hooked_calls", d.hooked_calls)
            .field("hooked_bytes", d.hooked_bytes)
            .field("shim_calls", d.own_calls)
            .field("shim_bytes", d.own_bytes)
            .field("unseen_calls", d.unseen_calls)
            .field("unseen_bytes", d.unseen_bytes)
            .end_object();
    json.end_object();

    json.begin_array("files");
    for (const FileTotals& t : in.analysis.files) {
        const FileInfo* file = in.log.file(t.file_id);
        json.begin_object()
            .field("path", file ? file->path : "")
            .field("fd", int64_t(file ? file->fd : -1))
            .field("kind", file ? file_kind_name(file->kind) : "?")
            .field("opens", uint64_t(t.opens))
            .field("op", t.writes ? "write" : "read")
            .field("via", t.stdio ? "stdio" : "syscall")
            .field("calls", t.calls)
            .field("bytes", t.bytes)
            .field("errors", t.errors)
            .field("eof", t.eof)
            .field("sequential", t.sequential)
            .field("consecutive", t.consecutive)
            .field("seconds", double(t.time_ns) / 1e9);
        write_histogram(json, t.histogram);
        json.end_object();
    }
    json.end_array();

    json.begin_array("io_sites");
    for (const IoSite& site : in.log.io_sites) {
        const FileInfo* file = in.log.file(site.file_id);
        std::string where = in.sites.site_name(site.stack_id, site.site);
        json.begin_object()
            .field("path", file ? file->path : "")
            .field("syscall", syscall_name(site.syscall))
            .field("site", where)
            .strings("stack", in.sites.frames(site.stack_id, site.site, 16))
            .field("calls", site.calls)
            .field("errors", site.errors)
            .field("eof", site.eof)
            .field("bytes_requested", site.bytes_requested)
            .field("bytes", site.bytes_done)
            .field("seconds", double(site.time_ns) / 1e9)
            .field("max_call_seconds", double(site.max_ns) / 1e9)
            .field("site_short", simplify_site(where));
        write_histogram(json, site.histogram);
        if (site.made_by_stream()) {  // a refill or flush stdio made for the program
            json.begin_object("stream")
                .field("buffering", buffering_name(site.buffering))
                .field("buffer_bytes", uint64_t(site.buffer_size))
                .field("caused_by", site.caused_by ? syscall_name(*site.caused_by) : "");
            json.end_object();
        }
        json.end_object();
    }
    json.end_array();
}

// A window's log: "live_at_start" (the blocks listed live when it opened,
// when listed) and "heap_sites" (the heap in use at its end by site).
void write_window_heap(JsonWriter& json, const ReportInput& in) {
    const AllocReport& a = in.analysis.allocs;
    if (a.start_known)
        json.begin_object("live_at_start")
            .field("blocks", a.start_blocks)
            .field("bytes", a.start_bytes)
            .field("freed", a.start_freed)
            .field("freed_bytes", a.start_freed_bytes)
            .field("freed_unseen", a.start_freed_unseen)
            .field("held_across", a.held_across)
            .field("held_across_bytes", a.held_across_bytes)
            .field("after_pause", in.log.live_at_start.after_pause())
            .field("incomplete", in.log.live_at_start.incomplete())
            .end_object();
    if (!in.log.window.present) return;
    json.begin_array("heap_sites");
    for (const HeapSite& site : in.analysis.heap_sites)
        json.begin_object()
            .field("site", site.site)
            .field("site_short", simplify_site(site.site))
            .strings("stack", in.sites.frames(site.stack_id, 0, 16))
            .field("blocks", site.blocks)
            .field("bytes", site.bytes)
            .field("held_blocks", site.held_blocks)
            .field("held_bytes", site.held_bytes)
            .end_object();
    json.end_array();
}

// "allocations": totals and every site (grouped by site frame), the most
// allocations first; "present" is false when the log has no allocation events.
void write_allocations(JsonWriter& json, const ReportInput& in) {
    const AllocReport& a = in.analysis.allocs;
    double peak_seconds = seconds_since_start(in.log, a.peak_ticks);
    json.begin_object("allocations")
        .field("present", a.any())
        .field("allocations", a.allocations)
        .field("frees", a.frees)
        .field("bytes", a.bytes)
        .field("temporary", a.temporary)
        .field("threads", a.threads)
        .field("peak_bytes", a.peak_bytes)
        .field("peak_seconds", a.peak_bytes > 0 && peak_seconds >= 0 ? peak_seconds : -1.0)
        .field("live_allocations_at_end", a.live_allocations)
        .field("live_bytes_at_end", a.live_bytes)
        .field("unknown_frees", a.unknown_frees)
        .field("lost_frees", a.lost_frees)
        .field("out_of_order", a.out_of_order)
        .field("consistent", a.consistent())
        .field("problem", a.problem);
    json.begin_object("reachability")
        .field("decided", a.reach.decided)
        .field("undecided_reason", a.reach.undecided)
        .field("reachable", a.reach.reachable)
        .field("reachable_bytes", a.reach.reachable_bytes)
        .field("possibly_lost", a.reach.possibly_lost)
        .field("possibly_lost_bytes", a.reach.possibly_lost_bytes)
        .field("lost", a.reach.lost)
        .field("lost_bytes", a.reach.lost_bytes)
        .end_object();
    json.begin_array("sites");
    for (const AllocSite& site : in.analysis.alloc_sites) {
        json.begin_object()
            .field("site", site.site)
            .strings("stack", in.sites.frames(site.stack_id, 0, 16))
            .field("stacks", site.stacks)
            .field("allocations", site.allocations)
            .field("bytes", site.bytes)
            .field("temporary", site.temporary)
            .field("leaked", site.leaked)
            .field("leaked_bytes", site.leaked_bytes)
            .field("min_size", site.min_size)
            .field("max_size", site.max_size)
            .field("common_size", site.common_size)
            .field("site_short", simplify_site(site.site));
        if (a.reach.decided) json.field("lost_bytes", site.lost_bytes).field("possibly_lost_bytes", site.possibly_lost_bytes);
        json.end_object();
    }
    json.end_array();
    write_window_heap(json, in);
    json.end_object();
}

}  // namespace

void write_json_report(const ReportInput& in, std::ostream& out) {
    JsonWriter json(out);
    json.begin_object().field("report_version", kReportVersion);
    json.begin_object("log")
        .field("path", in.log.path)
        .field("partial", in.log.partial)
        .field("partial_reason", in.log.partial_reason)
        .field("records", in.log.records)
        .field("unknown_records", in.log.unknown_records)
        .field("times_known", in.log.ticks_calibrated)
        .field("waits_recorded", in.log.waits_recorded())
        .field("waits_not_recorded", in.analysis.waits.not_recorded)
        .end_object();
    write_process(json, in.log);
    write_findings(json, in.findings);
    json.field("findings_left_out", uint64_t(in.findings_left_out)).field("min_cost_seconds", in.min_cost_ns / 1e9);
    write_io(json, in);
    write_allocations(json, in);
    write_threads_json(in, json);
    write_concurrency_json(in, json);
    write_cpu_json(in, json);
    write_waits_json(in, json);
    json.end_object();
    out << "\n";
}

}  // namespace analyzer
