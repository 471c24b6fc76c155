// Finding "idle-phase": a long stretch with under half a core busy. That is
// waiting (I/O, sleep, locks, a child process), which more cores cannot
// shorten, so it is reported apart from serial work and only when large.
#include "../model/time_axis.h"
#include "../text/format.h"
#include "phase_evidence.h"
#include "rules.h"
#include "../analysis/thread_time_text.h"
#include "../analysis/waits.h"

namespace analyzer {
namespace {

Finding make_finding(const Log& log, const std::vector<FileTotals>& files, const CpuProfileSummary& cpu,
                     const Phase& p, const RangeTime& time, CallSites& sites) {
    double run = run_wall_ns(log);
    Finding f;
    f.kind = "idle-phase";
    f.title = "Idle phase: " + time_range(p) + " (" + human_seconds(p.length_ns() / 1e9) + ", " +
              percent(p.length_ns(), run) + " of the run) with under half a core busy: " +
              human_seconds(p.cpu_ns / 1e9) + " of CPU in all";  // P(t) < 0.5, not 0: "no thread ran" overstated it
    f.site = "the whole process";
    f.evidence.push_back("P(t) below 0.5 throughout: " + human_seconds(p.cpu_ns / 1e9) + " of CPU in " +
                         human_seconds(p.length_ns() / 1e9) + " of wall time");
    std::string existed = with_commas(p.threads_alive) + " thread" + (p.threads_alive == 1 ? "" : "s") +
                          " existed meanwhile" + at_once(p.threads_alive, peak_alive_in(log, p.start_ns, p.end_ns));
    // With wait records, what each kind of thread waited on is measured.
    PhaseWaitNames wait_names(sites);
    std::vector<std::string> spent = other_threads_lines(time, 0, wait_names);
    std::string unrecorded = waits_not_recorded(log);
    if (spent.empty())
        f.evidence.push_back(existed + ": they waited, for I/O, sleep, a lock or a child process, or for a "
                             "core other programs held (the log does not record the machine's load); more cores of "
                             "one's own cannot shorten the first kinds" +
                             (unrecorded.empty() ? std::string() : " (" + unrecorded + ")"));
    else
        f.evidence.push_back(existed + (p.threads_alive == 1 ? "; where its time went:" : "; where their time went:"));
    for (const std::string& line : spent) f.evidence.push_back(line);
    // What little ran meanwhile, from the CPU profile; else what the I/O counts can say.
    std::string code = code_context(log, cpu, 0, "what ran", {&p});
    std::string io = code.empty() ? io_context(log, files) : code;
    if (!io.empty()) f.evidence.push_back(io);
    f.advice = "Find what it waited for (the Syscalls table's time in read/write, the Threads section's time in "
               "pthread_join) and overlap that wait with work, or remove it; if the machine was busy with other "
               "programs, measure again on an idle one.";
    f.cost_ns = uint64_t(p.length_ns());
    f.figures = {{"start_seconds", p.start_ns / 1e9},
                 {"end_seconds", p.end_ns / 1e9},
                 {"seconds", p.length_ns() / 1e9},
                 {"share_of_run", run > 0 ? p.length_ns() / run : 0},
                 {"cpu_seconds", p.cpu_ns / 1e9},
                 {"threads_alive", double(p.threads_alive)},
                 {"threads_alive_at_once", double(peak_alive_in(log, p.start_ns, p.end_ns))}};
    if (time.known) add_time_figures(time, 0, f);
    return f;
}

}  // namespace

std::vector<Finding> find_idle_phases(const RuleInput& in) {
    const Log& log = in.log;
    std::vector<Finding> found;
    const Concurrency& c = in.analysis.concurrency;  // phases attributed
    if (!c.present || !c.resolved()) return found;  // too short a run to tell phases apart
    double run = run_wall_ns(log);
    const std::vector<RangeTime>& times = in.analysis.phase_times.idle;
    for (size_t i = 0; i < c.idle_phases.size(); ++i) {
        const Phase& p = c.idle_phases[i];
        if (p.length_ns() < in.limits.idle_min_share * run) continue;
        found.push_back(make_finding(log, in.analysis.files, in.analysis.cpu, p, i < times.size() ? times[i] : RangeTime{},
                                     in.sites));
    }
    return found;
}

}  // namespace analyzer
