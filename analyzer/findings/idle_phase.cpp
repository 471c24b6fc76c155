// Finding "idle-phase": a long stretch with under half a core busy. That is
// waiting (I/O, sleep, locks, a child process), which more cores cannot
// shorten, so it is reported apart from serial work and only when large.
#include "../model/time_axis.h"
#include "../text/format.h"
#include "phase_evidence.h"
#include "rules.h"

namespace analyzer {
namespace {

Finding make_finding(const Log& log, const std::vector<FileTotals>& files, const CpuProfileSummary& cpu,
                     const Phase& p) {
    double run = run_wall_ns(log);
    Finding f;
    f.kind = "idle-phase";
    f.title = "Idle phase: " + time_range(p) + " (" + human_seconds(p.length_ns() / 1e9) + ", " +
              percent(p.length_ns(), run) + " of the run) with under half a core busy: " +
              human_seconds(p.cpu_ns / 1e9) + " of CPU in all";  // P(t) < 0.5, not 0: "no thread ran" overstated it
    f.site = "the whole process";
    f.evidence.push_back("P(t) below 0.5 throughout: " + human_seconds(p.cpu_ns / 1e9) + " of CPU in " +
                         human_seconds(p.length_ns() / 1e9) + " of wall time");
    f.evidence.push_back(with_commas(p.threads_alive) + " thread" + (p.threads_alive == 1 ? "" : "s") +
                         " existed meanwhile" + at_once(p.threads_alive, peak_alive_in(log, p.start_ns, p.end_ns)) +
                         ": they waited, for I/O, sleep, a lock or a child process, or for a "
                         "core other programs held (the log does not record the machine's load); more cores of "
                         "one's own cannot shorten the first kinds");
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
    return f;
}

}  // namespace

std::vector<Finding> find_idle_phases(const RuleInput& in) {
    const Log& log = in.log;
    std::vector<Finding> found;
    const Concurrency& c = in.analysis.concurrency;  // phases attributed
    if (!c.present || !c.resolved()) return found;  // too short a run to tell phases apart
    double run = run_wall_ns(log);
    for (const Phase& p : c.idle_phases)
        if (p.length_ns() >= in.limits.idle_min_share * run) found.push_back(make_finding(log, in.analysis.files, in.analysis.cpu, p));
    return found;
}

}  // namespace analyzer
