// Evidence lines shared by the serial-phase and idle-phase findings.
#include "phase_evidence.h"

#include <algorithm>

#include "../model/time_axis.h"
#include "../text/format.h"
#include "rules.h"
#include "../analysis/thread_time_text.h"

namespace analyzer {

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
std::string io_context(const Log& log, const std::vector<FileTotals>& files) {
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

std::string code_context(const Log& log, const CpuProfileSummary& cpu, uint32_t tid, const std::string& who,
                         const std::vector<const Phase*>& phases) {
    if (!cpu.present) return "";
    std::vector<TimeRange> ranges;
    for (const Phase* p : phases) ranges.push_back({p->start_ns, p->end_ns});
    CpuPath path = cpu_path_in_ranges(log, cpu, tid, ranges);
    if (path.samples == 0 || path.frames.empty()) return "";
    // From the innermost of the program's own functions on the path (what the
    // programmer wrote) to where the samples were; the runtime's entry
    // frames (start_thread, __libc_start_main) say nothing.
    size_t from = path.frames.size() > 3 ? path.frames.size() - 3 : 0;
    for (size_t i = 0; i < path.frames.size(); ++i)
        if (cpu.functions[path.frames[i]].program) from = i;
    std::vector<std::string> names;
    for (size_t i = from; i < path.frames.size(); ++i) {
        const CpuFunction& f = cpu.functions[path.frames[i]];
        names.push_back(i == from ? f.where() : f.short_name);
    }
    if (names.size() > 4) names.erase(names.begin() + 2, names.end() - 1), names.insert(names.begin() + 2, "…");
    std::string chain;
    for (const std::string& name : names) chain += (chain.empty() ? "" : " → ") + name;
    return who + " was in " + chain + " (" + percent(double(path.path_samples), double(path.samples)) + " of " +
           (tid ? "its " : "the ") + with_commas(path.samples) + " CPU sample" + (path.samples == 1 ? "" : "s") +
           " there)";
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

uint32_t peak_alive_in(const Log& log, double start_ns, double end_ns) {
    if (!log.ticks_calibrated) return 0;
    std::vector<std::pair<double, int>> steps;
    for (const ThreadInfo& t : log.threads) {
        double from = std::max(thread_start_ns(log, t), start_ns), to = std::min(thread_end_ns(log, t), end_ns);
        if (to <= from) continue;
        steps.push_back({from, +1});
        steps.push_back({to, -1});
    }
    std::sort(steps.begin(), steps.end());  // an end sorts before a start at the same instant
    int64_t alive = 0, peak = 0;
    for (const auto& step : steps) peak = std::max(peak, alive += step.second);
    return uint32_t(peak);
}

std::string at_once(uint32_t count, uint32_t peak) {
    return peak > 0 && peak < count ? ", at most " + with_commas(peak) + " at once" : "";
}

void add_time_figures(const RangeTime& time, uint32_t tid, Finding& f) {
    ThreadTime others;
    for (const ThreadTime& t : time.threads)
        if (t.tid != tid) add_thread_time(others, t);
    f.figures["others_alive_seconds"] = others.alive_ns / 1e9;
    f.figures["others_on_cpu_seconds"] = others.cpu_ns / 1e9;
    f.figures["others_spin_seconds"] = others.spin_ns / 1e9;  // of on_cpu
    f.figures["others_runnable_seconds"] = others.runnable_ns / 1e9;
    f.figures["others_lock_wait_seconds"] = lock_wait_ns(others) / 1e9;
    f.figures["others_work_wait_seconds"] = work_wait_ns(others) / 1e9;
    f.figures["others_join_wait_seconds"] = join_wait_ns(others) / 1e9;
    f.figures["others_unseen_wait_seconds"] = others.unseen_ns / 1e9;
    f.figures["threads_ended"] = double(time.ended);
    const ThreadTime* own = tid ? time.thread(tid) : nullptr;
    if (own != nullptr) f.figures["thread_waited_seconds"] = own->waited_ns() / 1e9;
}

uint64_t threads_created_by(const Log& log, uint32_t parent, double start_ns, double end_ns) {
    uint64_t created = 0;
    if (!log.ticks_calibrated || parent == 0) return 0;
    for (const ThreadInfo& t : log.threads) {
        if (t.parent_tid != parent || t.create_ticks == 0) continue;
        double at = run_ns_from_ticks(log, t.create_ticks);
        if (at >= start_ns && at < end_ns) created++;
    }
    return created;
}

ConcurrencyOptions concurrency_options(const Thresholds& limits) {
    ConcurrencyOptions options;
    options.min_phase_floor_ns = limits.serial_min_ms * 1000000;
    options.min_phase_share = limits.serial_min_share;
    return options;
}

}  // namespace analyzer
