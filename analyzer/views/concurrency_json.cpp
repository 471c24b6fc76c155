// The JSON report's "threads" and "concurrency" objects: the same figures as
// the text sections, in seconds. "present" is false when the log has none.
#include <algorithm>

#include "../model/time_axis.h"
#include "../analysis/threads_summary.h"
#include "../encode/json_writer.h"
#include "../analysis/thread_time_text.h"
#include "concurrency_waits.h"
#include "report.h"

namespace analyzer {
namespace {

// The P(t) series is averaged down to at most this many points.
constexpr size_t kSeriesPoints = 500;

uint64_t less(uint64_t a, uint64_t b) { return a > b ? a - b : 0; }

void write_direction(JsonWriter& json, const char* key, const IoDirection& d) {
    json.begin_object(key)
        .field("calls", less(d.kernel_calls, d.own_calls))
        .field("bytes", less(d.kernel_bytes, d.own_bytes))
        .field("hooked_calls", d.hooked_calls)
        .field("unseen_calls", d.unseen_calls)
        .field("unseen_bytes", d.unseen_bytes)
        .end_object();
}

void write_kernel_io(JsonWriter& json, uint64_t threads_read, const IoDirection& reads, const IoDirection& writes) {
    json.field("threads_read", threads_read);
    write_direction(json, "reads", reads);
    write_direction(json, "writes", writes);
}

const char* io_state_name(ThreadIoState state) {
    switch (state) {
        case ThreadIoState::Known: return "known";
        case ThreadIoState::NotAvailable: return "not_available";
        case ThreadIoState::NotRecorded: break;
    }
    return "not_recorded";
}

// Each thread read that made calls: which thread made the ones no hook saw.
void write_thread_readings(JsonWriter& json, const Log& log, const ThreadsUnseenIo& io, ThreadNamer& names) {
    json.begin_array("kernel_io_threads");
    for (const ThreadUnseenIo& t : io.threads) {
        if (less(t.reads.kernel_calls, t.reads.own_calls) + less(t.writes.kernel_calls, t.writes.own_calls) == 0)
            continue;
        json.begin_object()
            .field("tid", t.tid)
            .field("label", t.thread >= 0 ? names.label(log.threads[size_t(t.thread)]) : std::string())
            .field("ended", t.ended);
        write_kernel_io(json, 1, t.reads, t.writes);
        json.end_object();
    }
    json.end_array();
}

void write_group(JsonWriter& json, const ThreadGroupStats& g) {
    static const char* const ends[] = {"returned", "exited", "cancelled", "alive_at_exit"};
    json.begin_object()
        .field("label", g.label)
        .field("routine", g.routine)
        .field("created_at", g.created_at)
        .field("main", g.is_main)
        .field("count", uint64_t(g.count()))
        .field("lifetime_min_seconds", g.lifetime_min_ns / 1e9)
        .field("lifetime_median_seconds", g.lifetime_median_ns / 1e9)
        .field("lifetime_max_seconds", g.lifetime_max_ns / 1e9)
        .field("cpu_median_seconds", g.cpu_median_ns / 1e9)
        .field("cpu_total_seconds", g.cpu_total_ns / 1e9)
        .field("cpu_estimated_threads", g.cpu_estimated)
        .field("startup_median_seconds", g.creation_known > 0 ? g.creation_median_ns / 1e9 : -1.0);
    json.begin_object("kernel_io");
    write_kernel_io(json, g.io_read, g.io_reads, g.io_writes);
    json.end_object();
    json.begin_object("ended");
    for (int i = 0; i < 4; ++i) json.field(ends[i], g.ended[i]);
    json.end_object().end_object();
}

// How the threads spent a phase, by kind of thread, as the text says it;
// only when the log's waits are known.
void write_thread_time(JsonWriter& json, const RangeTime& time, PhaseWaitNames& names) {
    json.begin_object("thread_time")
        .field("threads_ended", time.ended)
        .field("threads_not_started", time.not_started)
        .field("waits_dropped", time.waits_dropped);
    json.begin_array("groups");
    for (const ThreadTimeGroup& g : group_thread_times(time, 0, names)) {
        json.begin_object()
            .field("who", g.who)
            .field("threads", uint64_t(g.tids.size()))
            .field("alive_seconds", g.total.alive_ns / 1e9)
            .field("on_cpu_seconds", g.total.cpu_ns / 1e9)
            .field("spin_seconds", g.total.spin_ns / 1e9)
            .field("runnable_seconds", g.total.runnable_ns / 1e9)
            .field("lock_wait_seconds", lock_wait_ns(g.total) / 1e9)
            .field("work_wait_seconds", work_wait_ns(g.total) / 1e9)
            .field("join_wait_seconds", join_wait_ns(g.total) / 1e9)
            .field("unseen_seconds", g.total.unseen_ns / 1e9);
        if (g.total.blocked_readings > 0) {
            json.begin_object("unseen_in")
                .field("io_seconds", g.total.unseen_in[0] / 1e9)
                .field("sleep_seconds", g.total.unseen_in[1] / 1e9)
                .field("futex_seconds", g.total.unseen_in[2] / 1e9)
                .field("child_seconds", g.total.unseen_in[3] / 1e9)
                .field("other_seconds", g.total.unseen_in[4] / 1e9)
                .field("readings", g.total.blocked_readings);
            json.begin_array("io_on");
            for (const auto& fd : g.total.io_on)
                json.begin_object()
                    .field("fd", int64_t(fd.first))
                    .field("name", names.descriptor(fd.first))
                    .field("seconds", fd.second / 1e9)
                    .end_object();
            json.end_array().end_object();
        }
        json.field("summary", time_shares(g.total, names)).end_object();
    }
    json.end_array().end_object();
}

void write_waits_by_object(JsonWriter& json, const WaitUtilization& u, PhaseWaitNames& names) {
    json.begin_object("waits_by_object").field("poor_below_threads_on_cpu", u.target_level);
    json.begin_array("objects");
    for (const WaitObjectRow& row : wait_object_rows(u, names, 10))
        json.begin_object()
            .field("label", row.label)
            .field("kind", row.kind)
            .field("site", row.site)
            .field("held_at", row.held_at)
            .field("waits", row.waits)
            .field("threads", row.threads)
            .field("wait_seconds", row.wait_ns / 1e9)
            .field("poor_utilization_seconds", row.poor_ns / 1e9)
            .end_object();
    json.end_array().end_object();
}

void write_phases(JsonWriter& json, const char* key, const std::vector<Phase>& phases,
                  const std::vector<RangeTime>& times, PhaseWaitNames& names) {
    json.begin_array(key);
    for (size_t i = 0; i < phases.size(); ++i) {
        const Phase& p = phases[i];
        json.begin_object()
            .field("start_seconds", p.start_ns / 1e9)
            .field("end_seconds", p.end_ns / 1e9)
            .field("seconds", p.length_ns() / 1e9)
            .field("cpu_seconds", p.cpu_ns / 1e9)
            .field("tid", p.tid)
            .field("thread_cpu_seconds", p.thread_cpu_ns / 1e9)
            .field("other_threads_cpu_seconds", p.others_cpu_ns / 1e9)
            .field("threads_alive", p.threads_alive);
        if (i < times.size() && times[i].known) write_thread_time(json, times[i], names);
        json.end_object();
    }
    json.end_array();
}

}  // namespace

void write_threads_json(const ReportInput& in, JsonWriter& json) {
    ThreadNamer names(in.sites);
    const ThreadsSummary& s = in.analysis.threads;
    json.begin_object("threads")
        .field("present", s.present)
        .field("times_known", s.times_known)
        .field("threads", s.threads)
        .field("created", s.created)
        .field("peak_alive", s.peak_alive)
        .field("peak_seconds", s.peak_at_ns / 1e9)
        .field("cpu_seconds", s.cpu_total_ns / 1e9);
    json.begin_array("groups");
    for (const ThreadGroupStats& g : s.groups) write_group(json, g);
    json.end_array();
    json.field("kernel_io_per_thread", io_state_name(s.io_state)).field("kernel_io_threads_read", s.io_read);
    write_thread_readings(json, in.log, in.analysis.threads_unseen, names);
    json.begin_array("join_waits");
    for (const JoinWait& j : s.joiners)
        json.begin_object()
            .field("tid", j.tid)
            .field("label", j.label)
            .field("joins", j.joins)
            .field("seconds", j.wait_ns / 1e9)
            .end_object();
    json.end_array().end_object();
}

void write_concurrency_json(const ReportInput& in, JsonWriter& json) {
    Concurrency c = in.analysis.concurrency;  // a copy: phases are dropped below when unresolved
    json.begin_object("concurrency").field("present", c.present);
    if (!c.present) {
        json.end_object();
        return;
    }
    if (!c.resolved()) c.serial_phases.clear(), c.idle_phases.clear();  // too short a run to tell
    double run_ns = std::max(run_wall_ns(in.log), c.slices.back().end_ns);
    double f = c.serial_fraction();
    json.field("interval_us", in.log.samples.interval_us)
        .field("covered_seconds", c.wall_ns / 1e9)
        .field("cpu_seconds", c.cpu_ns / 1e9)
        .field("serial_cpu_seconds", c.serial_cpu_ns / 1e9)
        .field("resolved", c.resolved())  // false: too few windows to trust f and the phases
        .field("serial_fraction", f)
        .field("ceiling_speedup", c.ceiling_speedup())  // null when f = 0: unbounded
        .field("average_parallelism", c.average_parallelism())
        .field("peak_threads_on_cpu", c.peak_level)
        .field("min_phase_seconds", c.min_phase_ns / 1e9);
    json.begin_object("predicted_speedup");
    for (int n : {2, 4, 8, 16}) json.field(std::to_string(n).c_str(), amdahl_speedup(f, n));
    json.end_object();
    json.begin_array("histogram");
    for (size_t level = 0; level < c.wall_ns_by_level.size(); ++level)
        json.begin_object()
            .field("threads_on_cpu", uint64_t(level))
            .field("seconds", c.wall_ns_by_level[level] / 1e9)
            .field("share", c.wall_ns > 0 ? c.wall_ns_by_level[level] / c.wall_ns : 0.0)
            .end_object();
    json.end_array();
    size_t points = std::min(kSeriesPoints, c.slices.size());
    std::vector<double> series = parallelism_profile(c, points, run_ns);
    json.begin_object("series").field("step_seconds", run_ns / double(points) / 1e9);
    json.begin_array("parallelism");
    for (double p : series) json.field(nullptr, p);  // an array element
    json.end_array().end_object();
    PhaseWaitNames names(in.sites);
    write_phases(json, "serial_phases", c.serial_phases, in.analysis.phase_times.serial, names);
    write_phases(json, "idle_phases", c.idle_phases, in.analysis.phase_times.idle, names);
    if (in.analysis.wait_utilization.known) write_waits_by_object(json, in.analysis.wait_utilization, names);
    if (in.analysis.phase_times.run.known) {
        json.begin_object("run");
        write_thread_time(json, in.analysis.phase_times.run, names);
        json.end_object();
    }
    json.end_object();
}

}  // namespace analyzer
