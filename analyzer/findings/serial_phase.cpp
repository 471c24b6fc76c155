// Findings "serial-phase" and "idle-phase", from the sampler's P(t)
// (concurrency.h): a long stretch where one thread's worth of CPU ran while
// the program had other threads or the machine had room for more, and a
// long stretch where nothing ran at all (waiting, not serial work).
#include <algorithm>

#include "../phase_attribution.h"
#include "../run_clock.h"
#include "../thread_names.h"
#include "../views/format.h"
#include "../views/report.h"
#include "rules.h"

namespace analyzer {
namespace {

std::string time_range(const Phase& p) {
    return human_seconds(p.start_ns / 1e9) + "–" + human_seconds(p.end_ns / 1e9);
}

std::string amdahl_line(const Concurrency& c) {
    double f = c.serial_fraction();
    std::string line = "over the whole run " + percent(c.serial_cpu_ns, c.cpu_ns) +
                       " of the CPU work ran with at most one thread on CPU (serial fraction f = " + fixed(f, 2) + ")";
    if (f > 0) line += ": no number of cores can make this program more than " + fixed(c.ceiling_speedup(), 1) +
                       "x faster than on one core (Amdahl); 4 cores: " + fixed(amdahl_speedup(f, 4), 1) + "x";
    return line;
}

// I/O is counted per call site for the whole run, without times or threads:
// say what the run wrote and read, and that it cannot be placed in the phase.
std::string io_context(const Log& log) {
    std::vector<FileTotals> files = totals_by_file(log);
    const FileTotals* top = nullptr;
    for (const FileTotals& t : files)
        if (t.bytes > 0 && (top == nullptr || t.bytes > top->bytes)) top = &t;
    if (top == nullptr) return "";
    const FileInfo* file = log.file(top->file_id);
    std::string path = file && !file->path.empty() ? file->path : "an untracked descriptor";
    return "I/O is counted per call site for the whole run, not per time range, so this phase's share is unknown; "
           "the run's largest transfer: " + std::string(top->writes ? "wrote " : "read ") +
           human_bytes(double(top->bytes)) + (top->writes ? " to " : " from ") + path + " in " +
           with_commas(top->calls) + " calls";
}

std::string thread_name(const Log& log, ThreadNamer& names, uint32_t tid) {
    for (const ThreadInfo& t : log.threads)
        if (t.tid == tid) return t.is_main ? "the main thread" : names.label(t);
    return "a thread";
}

const ThreadInfo* thread_record(const Log& log, uint32_t tid) {
    for (const ThreadInfo& t : log.threads)
        if (t.tid == tid) return &t;
    return nullptr;
}

// One thread used at least this share of the phase's CPU: "only it ran".
// Below, several threads took turns at one core's worth of CPU.
constexpr double kOneThreadShare = 0.8;

void add_other_threads(const Phase& p, bool took_turns, std::vector<std::string>& evidence) {
    if (p.threads_alive <= 1) return;
    uint32_t others = p.threads_alive - 1;
    evidence.push_back(std::to_string(others) + " other thread" + (others == 1 ? "" : "s") +
                       " existed meanwhile and used " + human_seconds(p.others_cpu_ns / 1e9) + " of CPU in it" +
                       (took_turns ? ": the threads took turns" : ""));
    evidence.push_back("CPU clocks cannot tell a blocked thread (a lock, a join, I/O) from one waiting for a core "
                       "that another program held: if this machine was busy, rerun it idle before optimising");
}

Finding serial_finding(const Log& log, const Concurrency& c, const Phase& p, CallSites& sites) {
    ThreadNamer names(sites);
    double run = run_wall_ns(log);
    bool took_turns = p.tid == 0 || p.thread_cpu_ns < kOneThreadShare * p.cpu_ns;
    std::string who = p.tid ? thread_name(log, names, p.tid) + " (tid " + std::to_string(p.tid) + ")"
                            : "one thread (which one is unknown)";
    Finding f;
    f.kind = "serial-phase";
    f.title = "Serial phase: " + time_range(p) + " (" + human_seconds(p.length_ns() / 1e9) + ", " +
              percent(p.length_ns(), run) + " of the run) " +
              (took_turns ? std::to_string(p.threads_alive) + " threads shared one core's worth of CPU, most of it " + who
                          : "only " + who + " ran");
    f.site = who;
    const ThreadInfo* record = thread_record(log, p.tid);
    if (record != nullptr && record->create_stack != 0) f.stack = sites.frames(record->create_stack, 0, 6);
    f.evidence.push_back("one thread's worth of CPU (P(t) rounded to 1) for " + human_seconds(p.length_ns() / 1e9) +
                         "; " + who + " used " + human_seconds(p.thread_cpu_ns / 1e9) + " of CPU in it (" +
                         percent(p.thread_cpu_ns, p.cpu_ns) + " of the process's)");
    add_other_threads(p, took_turns, f.evidence);
    if (c.peak_level >= 2)
        f.evidence.push_back("elsewhere the run had " + std::to_string(c.peak_level) +
                             " threads on CPU at once: the machine has room for more than one");
    f.evidence.push_back(amdahl_line(c));
    RangeAllocations allocs = allocations_in(log, p.tid, p.start_ns, p.end_ns);
    if (allocs.known && p.tid != 0)
        f.evidence.push_back(allocs.allocations == 0 ? "that thread made no allocations in this range"
                                                     : "that thread made about " + with_commas(allocs.allocations) +
                                                           " allocations (" + human_bytes(double(allocs.bytes)) +
                                                           ") in this range");
    std::string io = io_context(log);
    if (!io.empty()) f.evidence.push_back(io);
    f.advice = took_turns
        ? "If the threads take turns on a lock, shorten the critical section or give each thread its own data; "
          "if they waited for cores other programs held, measure again on an idle machine."
        : "Overlap this phase with the parallel work or split it: start it on the results finished so far "
          "(e.g. encode and write rows while later rows are computed, a pipeline), or divide it among "
          "threads. Its length bounds the whole program's speed-up.";
    // Time saved if the phase's work were spread over the cores the run used at its peak.
    int cores = std::max(2, c.peak_level);
    f.cost_ns = uint64_t(p.length_ns() * (1.0 - 1.0 / cores));
    f.figures = {{"start_seconds", p.start_ns / 1e9},
                 {"end_seconds", p.end_ns / 1e9},
                 {"seconds", p.length_ns() / 1e9},
                 {"share_of_run", run > 0 ? p.length_ns() / run : 0},
                 {"tid", double(p.tid)},
                 {"thread_cpu_seconds", p.thread_cpu_ns / 1e9},
                 {"other_threads_cpu_seconds", p.others_cpu_ns / 1e9},
                 {"threads_alive", double(p.threads_alive)},
                 {"serial_fraction", c.serial_fraction()},
                 {"ceiling_speedup", c.ceiling_speedup()}};
    return f;
}

Finding idle_finding(const Log& log, const Phase& p) {
    double run = run_wall_ns(log);
    Finding f;
    f.kind = "idle-phase";
    f.title = "Idle phase: " + time_range(p) + " (" + human_seconds(p.length_ns() / 1e9) + ", " +
              percent(p.length_ns(), run) + " of the run) no thread was on CPU";
    f.site = "the whole process";
    f.evidence.push_back("P(t) below 0.5 throughout: " + human_seconds(p.cpu_ns / 1e9) +
                         " of CPU in " + human_seconds(p.length_ns() / 1e9) + " of wall time");
    f.evidence.push_back(std::to_string(p.threads_alive) + " thread" + (p.threads_alive == 1 ? "" : "s") +
                         " existed meanwhile: the time went to waiting (I/O, sleep, locks, a child process), "
                         "which more cores cannot shorten");
    f.advice = "Find what it waited for (the Syscalls table's time in read/write, the Threads section's time in "
               "pthread_join) and overlap that wait with work, or remove it.";
    f.cost_ns = uint64_t(p.length_ns());
    f.figures = {{"start_seconds", p.start_ns / 1e9},
                 {"end_seconds", p.end_ns / 1e9},
                 {"seconds", p.length_ns() / 1e9},
                 {"share_of_run", run > 0 ? p.length_ns() / run : 0},
                 {"cpu_seconds", p.cpu_ns / 1e9}};
    return f;
}

}  // namespace

ConcurrencyOptions concurrency_options(const Thresholds& limits) {
    ConcurrencyOptions options;
    options.min_phase_floor_ns = limits.serial_min_ms * 1000000;
    options.min_phase_share = limits.serial_min_share;
    return options;
}

std::vector<Finding> find_serial_phases(const Log& log, CallSites& sites, const Thresholds& limits) {
    std::vector<Finding> found;
    Concurrency c = analyze_concurrency(log, concurrency_options(limits));
    if (!c.present) return found;
    ThreadCpuTimeline timeline(log);
    attribute_phases(timeline, c);
    for (const Phase& p : c.serial_phases)
        // One thread alone is only a problem when more could have run: other
        // threads existed, or the run showed it had more than one core.
        if (p.threads_alive > 1 || c.peak_level >= 2) found.push_back(serial_finding(log, c, p, sites));
    double run = run_wall_ns(log);
    for (const Phase& p : c.idle_phases)
        if (p.length_ns() >= limits.idle_min_share * run) found.push_back(idle_finding(log, p));
    return found;
}

}  // namespace analyzer
