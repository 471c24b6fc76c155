#include "chrome_trace.h"

#include <algorithm>
#include <map>

#include "../model/time_axis.h"
#include "../analysis/threads_summary.h"
#include "../text/format.h"
#include "../encode/json_writer.h"

namespace analyzer {
namespace {

constexpr uint64_t kPhaseTrack = kSyntheticTrackBase - 1;
constexpr uint64_t kUndrawnSamplesTrack = kSyntheticTrackBase - 2;  // minus the kind's index
constexpr size_t kAliveCounterPoints = 2000;

double us(double ns) { return ns / 1e3; }

struct Trace {
    JsonWriter& json;
    uint64_t pid;
    void metadata(const char* what, uint64_t tid, const char* key, const std::string& value) {
        json.begin_object().field("ph", "M").field("name", what).field("pid", pid).field("tid", tid);
        json.begin_object("args").field(key, value).end_object().end_object();
    }
    void sort_index(uint64_t tid, int64_t index) {
        json.begin_object().field("ph", "M").field("name", "thread_sort_index").field("pid", pid).field("tid", tid);
        json.begin_object("args").field("sort_index", index).end_object().end_object();
    }
    void counter(const std::string& name, double ts_ns, const char* series, double value) {
        json.begin_object().field("ph", "C").field("name", name).field("pid", pid).field("ts", us(ts_ns));
        json.begin_object("args").field(series, value).end_object().end_object();
    }
};

void write_thread_slice(Trace& trace, const Log& log, const ThreadGroupStats& group, size_t index, uint64_t track) {
    static const char* const ends[] = {"returned", "pthread_exit", "cancelled", "alive at exit"};
    const ThreadInfo& t = log.threads[index];
    double start = thread_start_ns(log, t), end = thread_end_ns(log, t);
    trace.json.begin_object()
        .field("ph", "X")
        .field("name", group.label)
        .field("pid", trace.pid)
        .field("tid", track)
        .field("ts", us(start))
        .field("dur", us(end - start));
    trace.json.begin_object("args")
        .field("tid", t.tid)
        .field("cpu_ms", double(t.cpu_ns) / 1e6)
        .field("ended", ends[std::min<unsigned>(static_cast<unsigned>(t.end), 3)]);
    if (t.create_ticks != 0 && t.start_ticks >= t.create_ticks)
        trace.json.field("startup_us", ns_from_tick_span(log, t.start_ticks - t.create_ticks) / 1e3);
    if (!group.created_at.empty()) trace.json.field("created_at", group.created_at);
    if (t.joins > 0) trace.json.field("joins", t.joins).field("join_wait_ms", ns_from_tick_span(log, t.join_wait_ticks) / 1e6);
    trace.json.end_object().end_object();
}

void write_threads(Trace& trace, const Log& log, const ThreadsSummary& summary, const TimelineLayout& layout,
                   std::map<uint32_t, uint64_t>& track_of) {
    int64_t order = 0;
    for (const TimelineTrack& track : layout.tracks) {
        trace.metadata("thread_name", track.id, "name", track.name);
        trace.sort_index(track.id, order++);
        for (size_t index : track.threads) {
            write_thread_slice(trace, log, summary.groups[track.group], index, track.id);
            track_of[log.threads[index].tid] = track.id;
        }
    }
}

// Where the CPU samples of threads with no track of their own go: a thread
// left undrawn (every lane busy) onto one track for its kind, so thousands of
// them do not make thousands of tracks; a thread with no record (the main
// thread of a program that never created one) onto its own id, named.
void name_sample_tracks(Trace& trace, const Log& log, const ThreadsSummary& summary, const TimelineLayout& layout,
                        std::map<uint32_t, uint64_t>& track_of) {
    std::map<uint32_t, bool> sampled;
    for (const CpuSample& s : log.cpu.samples) sampled[s.tid] = true;
    for (const TimelineGroup& g : layout.summarized) {
        uint64_t track = kUndrawnSamplesTrack - g.group;
        bool named = false;
        for (size_t index : summary.groups[g.group].members) {
            uint32_t tid = log.threads[index].tid;
            if (track_of.count(tid) || !sampled.count(tid)) continue;
            track_of[tid] = track;
            if (!named) trace.metadata("thread_name", track, "name", summary.groups[g.group].label + ": CPU samples of the threads not drawn");
            named = true;
        }
    }
    for (const auto& entry : sampled)
        if (!track_of.count(entry.first)) {
            trace.metadata("thread_name", entry.first, "name",
                           entry.first == log.process.pid ? "main thread" : "thread " + std::to_string(entry.first));
            track_of[entry.first] = entry.first;  // named: the waits' slices need not name it again
        }
}

// The most threads of one kind alive in each of kAliveCounterPoints slices of the run.
void write_alive_counter(Trace& trace, const Log& log, const ThreadGroupStats& group, double run_ns) {
    if (run_ns <= 0) return;
    std::vector<std::pair<double, int>> steps;
    for (size_t index : group.members) {
        steps.push_back({thread_start_ns(log, log.threads[index]), +1});
        steps.push_back({thread_end_ns(log, log.threads[index]), -1});
    }
    std::sort(steps.begin(), steps.end());
    std::vector<int> most(kAliveCounterPoints + 1, 0);
    double width = run_ns / kAliveCounterPoints;
    int alive = 0;
    size_t bucket = 0;
    for (const auto& step : steps) {
        size_t at = std::min(kAliveCounterPoints, size_t(std::max(0.0, step.first) / width));
        while (bucket < at) most[++bucket] = alive;  // carried into each bucket it reaches
        alive += step.second;
        most[bucket] = std::max(most[bucket], alive);
    }
    while (bucket < kAliveCounterPoints) most[++bucket] = alive;
    std::string name = group.label + ": threads alive";
    for (size_t b = 0; b <= kAliveCounterPoints; ++b)
        if (b == 0 || most[b] != most[b - 1]) trace.counter(name, double(b) * width, "alive", most[b]);
}

void write_parallelism(Trace& trace, const Concurrency& c, double run_ns, size_t max_points) {
    const char* name = "threads on CPU";
    if (c.slices.size() <= max_points) {
        for (const ParallelismSlice& s : c.slices) trace.counter(name, s.start_ns, "P", s.parallelism());
    } else {
        std::vector<double> profile = parallelism_profile(c, max_points, run_ns);
        for (size_t i = 0; i < profile.size(); ++i) trace.counter(name, run_ns * double(i) / double(max_points), "P", profile[i]);
    }
    trace.counter(name, c.slices.back().end_ns, "P", 0);
}

void write_phase(Trace& trace, const Log& log, ThreadNamer& names, const Phase& p, bool serial) {
    std::string name = serial ? "serial phase" : "idle phase";
    if (serial && p.tid != 0)
        for (const ThreadInfo& t : log.threads)
            if (t.tid == p.tid) name += ": " + names.label(t);
    for (const char* ph : {"X", "i"}) {
        trace.json.begin_object().field("ph", ph).field("name", name).field("pid", trace.pid).field("ts", us(p.start_ns));
        if (ph[0] == 'X')
            trace.json.field("tid", kPhaseTrack).field("dur", us(p.length_ns()));
        else
            trace.json.field("tid", kPhaseTrack).field("s", "g");  // a line across every track
        trace.json.begin_object("args")
            .field("seconds", p.length_ns() / 1e9)
            .field("cpu_ms", p.cpu_ns / 1e6)
            .field("tid", p.tid)
            .field("threads_alive", p.threads_alive)
            .end_object()
            .end_object();
    }
}

}  // namespace

std::vector<std::string> write_chrome_trace(const Log& log, const Analysis& analysis, CallSites& sites,
                                            const TimelineOptions& options, std::ostream& out) {
    std::vector<std::string> notes;
    ThreadNamer names(sites);
    const ThreadsSummary& summary = analysis.threads;
    Concurrency c = analysis.concurrency;  // a copy: phases are dropped below when unresolved
    double run_ns = run_wall_ns(log);
    if (c.present) run_ns = std::max(run_ns, c.slices.back().end_ns);

    JsonWriter json(out);
    json.begin_object().field("displayTimeUnit", "ms").begin_array("traceEvents");
    Trace trace{json, log.process.pid};
    std::string exe = log.process.argv.empty() ? log.process.exe : log.process.argv.front();
    trace.metadata("process_name", 0, "name", exe.substr(exe.rfind('/') + 1) + " (pid " + std::to_string(log.process.pid) + ")");
    std::map<uint32_t, uint64_t> track_of;  // a thread's track, for its CPU samples
    TimelineLayout layout;
    if (summary.present && summary.times_known) {
        layout = lay_out_threads(log, summary, options.layout);
        write_threads(trace, log, summary, layout, track_of);
        for (const TimelineGroup& g : layout.summarized) {
            write_alive_counter(trace, log, summary.groups[g.group], run_ns);
            if (g.undrawn > 0)
                notes.push_back(with_commas(g.undrawn) + " threads of \"" + summary.groups[g.group].label +
                                "\" not drawn: every lane was busy (see its \"threads alive\" counter, or raise --lanes)");
        }
    } else if (summary.present) {
        notes.push_back("thread lifetimes left out: the log has no end record to calibrate its clock");
    }
    if (c.present) {
        write_parallelism(trace, c, run_ns, options.max_counter_points);
        if (!c.resolved()) c.serial_phases.clear(), c.idle_phases.clear();  // too short a run to tell
        trace.metadata("thread_name", kPhaseTrack, "name", "serial and idle phases (analyzer)");
        trace.sort_index(kPhaseTrack, -1);  // above the threads
        for (const Phase& p : c.serial_phases) write_phase(trace, log, names, p, true);
        for (const Phase& p : c.idle_phases) write_phase(trace, log, names, p, false);
    } else {
        notes.push_back("no \"threads on CPU\" counter: the log has no samples (the program never created a thread)");
    }
    std::map<uint32_t, uint64_t> drawn = track_of;  // the threads with a track of their own
    if (log.cpu.present()) name_sample_tracks(trace, log, summary, layout, track_of);
    std::vector<std::string> wait_notes = write_wait_slices(json, log, sites, drawn, track_of, options.waits);
    notes.insert(notes.end(), wait_notes.begin(), wait_notes.end());
    json.end_array();
    std::vector<std::string> cpu_notes = write_cpu_trace(json, log, analysis.cpu, track_of, options.cpu);
    notes.insert(notes.end(), cpu_notes.begin(), cpu_notes.end());
    json.end_object();
    out << "\n";
    return notes;
}

}  // namespace analyzer
