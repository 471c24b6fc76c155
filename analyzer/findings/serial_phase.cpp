// Finding "serial-phase", from the sampler's P(t) (concurrency.h): stretches
// where one thread's worth of CPU ran while the program had other threads or
// the machine had room for more. Stretches with the same thread and the same
// story make one finding (px mode has one per batch of threads). When the
// threads were runnable but had no CPU for much of it (schedstat run-queue
// waits), another program held the cores: "cpu-contention" instead.
#include <algorithm>
#include <map>

#include "../analysis/phase_attribution.h"
#include "../model/time_axis.h"
#include "../text/format.h"
#include "phase_evidence.h"
#include "../analysis/thread_time_text.h"
#include "../analysis/waits.h"
#include "rules.h"

namespace analyzer {
namespace {

// One thread used at least kOneThreadShare of the CPU: "only it ran". Else
// it "mostly ran" when it did at least kMostlyShare and no other thread did
// kOtherThreadShare (many small threads helped a little); else the threads
// shared one core's worth of CPU between them.
constexpr double kOneThreadShare = 0.8;
constexpr double kMostlyShare = 0.5;
constexpr double kOtherThreadShare = 0.1;
// A thread that started this many threads in a stretch was busy creating them.
constexpr uint64_t kManyCreated = 100;
constexpr size_t kStretchesListed = 5;
// Threads waiting for a CPU, summed, for this share of the stretch: on
// average half a thread was ready with no core to run on.
constexpr double kContentionShare = 0.5;

enum class Story { Alone, Mostly, Shared };

struct Stretches {
    std::vector<const Phase*> phases;
    double length_ns = 0, cpu_ns = 0, thread_cpu_ns = 0, others_cpu_ns = 0, top_other_cpu_ns = 0;
    double waiting_ns = 0;
    bool waiting_known = true;
    uint32_t most_alive = 0;  // threads that existed in a stretch (the most of any one)
    uint32_t peak_alive = 0;  // of those, the most alive at the same instant; 0 unknown
    RangeTime time;           // how each thread spent the stretches (thread_time.h)
    const Phase& longest() const {
        return **std::max_element(phases.begin(), phases.end(),
                                  [](const Phase* a, const Phase* b) { return a->length_ns() < b->length_ns(); });
    }
};

Story story_of(uint32_t tid, const Stretches& s) {
    if (tid == 0) return Story::Shared;
    if (s.thread_cpu_ns >= kOneThreadShare * s.cpu_ns) return Story::Alone;
    if (s.thread_cpu_ns >= kMostlyShare * s.cpu_ns && s.top_other_cpu_ns < kOtherThreadShare * s.cpu_ns)
        return Story::Mostly;
    return Story::Shared;
}

std::string story_text(Story story, const Stretches& s, const std::string& who) {
    switch (story) {
        case Story::Alone: return "only " + who + " ran";
        case Story::Mostly:  // how long the others lived is not what decides it: say nothing of it
            // Threads that overlapped it briefly are not counted as existing in it, yet did some of its CPU.
            return "mostly " + who + " ran (" + percent(s.thread_cpu_ns, s.cpu_ns) + " of the CPU; " +
                   (s.most_alive <= 1 ? std::string("other threads")
                                      : with_commas(s.most_alive - 1) + " other thread" + (s.most_alive == 2 ? "" : "s")) +
                   " the rest)";
        case Story::Shared: break;
    }
    // Threads over the stretch are not threads at once: 1,460 short ones
    // that came and went four at a time shared the core four ways, not 1,460.
    return "the threads shared one core's worth of CPU (" + with_commas(s.most_alive) + " existed" +
           at_once(s.most_alive, s.peak_alive) + "), the largest share (" + percent(s.thread_cpu_ns, s.cpu_ns) +
           ") on " + who;
}

std::string title(Story story, const Stretches& s, const std::string& who, double run) {
    std::string share = percent(s.length_ns, run) + " of the run";
    if (s.phases.size() == 1)
        return "Serial phase: " + time_range(*s.phases[0]) + " (" + human_seconds(s.length_ns / 1e9) + ", " + share +
               ") " + story_text(story, s, who);
    return "Serial phases: " + std::to_string(s.phases.size()) + " stretches, " + human_seconds(s.length_ns / 1e9) +
           " in all (" + share + "), where " + story_text(story, s, who);
}

std::string stretch_list(const Stretches& s) {
    std::string list;
    for (size_t i = 0; i < s.phases.size() && i < kStretchesListed; ++i) list += (i ? ", " : "") + time_range(*s.phases[i]);
    if (s.phases.size() > kStretchesListed) list += " and " + std::to_string(s.phases.size() - kStretchesListed) + " more";
    return list;
}

Finding make_finding(const Log& log, const std::vector<FileTotals>& files, const Concurrency& c, Story story,
                     uint32_t tid, const Stretches& s, CallSites& sites, const CpuProfileSummary& cpu) {
    ThreadNamer names(sites);
    double run = run_wall_ns(log);
    std::string who = tid ? thread_name(log, names, tid) + " (tid " + std::to_string(tid) + ")"
                          : "one thread (which one is unknown)";
    Finding f;
    f.kind = "serial-phase";
    f.title = title(story, s, who, run);
    f.site = who;
    const ThreadInfo* record = thread_record(log, tid);
    if (record != nullptr && record->create_stack != 0) f.stack = sites.frames(record->create_stack, 0, 6);
    f.evidence.push_back("one thread's worth of CPU (P(t) rounded to 1) for " + human_seconds(s.length_ns / 1e9) +
                         (s.phases.size() > 1 ? " (" + stretch_list(s) + ")" : "") + "; " + who + " used " +
                         human_seconds(s.thread_cpu_ns / 1e9) + " of CPU in it, " +
                         percent(s.thread_cpu_ns, s.cpu_ns) + " of the process's");
    // With wait records the others' time is measured, not guessed: what they
    // waited on, and whether the thread that ran was itself waiting.
    PhaseWaitNames wait_names(sites);
    bool waits_known = s.time.known;
    std::string unrecorded = waits_not_recorded(log);
    std::string itself = running_thread_line(s.time, tid, tid ? thread_name(log, names, tid) : "", wait_names);
    if (!itself.empty()) f.evidence.push_back(itself);
    if (s.most_alive > 1)
        f.evidence.push_back(with_commas(s.most_alive - 1) + " other thread" + (s.most_alive == 2 ? "" : "s") +
                             " existed meanwhile (" + with_commas(s.most_alive) + " threads with it" +
                             at_once(s.most_alive, s.peak_alive) + ") and used " +
                             human_seconds(s.others_cpu_ns / 1e9) + " of CPU");
    for (const std::string& line : other_threads_lines(s.time, tid, wait_names)) f.evidence.push_back(line);
    uint64_t created = 0;
    for (const Phase* p : s.phases) created += threads_created_by(log, tid, p->start_ns, p->end_ns);
    if (created > 0) f.evidence.push_back("it started " + with_commas(created) + " threads meanwhile");
    // Only a wait short against the phase lets the sentence say the cores were free.
    bool waited_little = s.waiting_ns < 0.1 * s.length_ns;
    if (s.waiting_known && s.most_alive > 1 && waited_little)
        f.evidence.push_back("the threads waited " + human_seconds(s.waiting_ns / 1e9) +
                             " in all for a CPU meanwhile (run queue): the others were not held back by a busy "
                             "machine" + (waits_known ? std::string() : " but blocked (a lock, a join, I/O) or out of work" +
                                                   (unrecorded.empty() ? std::string() : "; which, the log cannot say: " + unrecorded)));
    else if (s.waiting_known && s.most_alive > 1)
        f.evidence.push_back("the threads waited " + human_seconds(s.waiting_ns / 1e9) + " in all for a CPU meanwhile (run "
                             "queue), " + percent(s.waiting_ns, s.length_ns) + " of the phase's length: the cores "
                             "were taken for part of it (by this program's other threads or another program's), "
                             "so not all of it is serial work");
    else if (story != Story::Mostly && s.most_alive > 1)
        f.evidence.push_back("CPU clocks cannot tell a blocked thread (a lock, a join, I/O) from one waiting for a "
                             "core another program held: if this machine was busy, rerun it idle before optimising");
    if (c.peak_level >= 2)
        f.evidence.push_back("elsewhere the run had " + std::to_string(c.peak_level) +
                             " threads on CPU at once: the machine has room for more than one");
    if (c.resolved()) f.evidence.push_back(amdahl_line(c));
    RangeAllocations allocs;
    for (const Phase* p : s.phases) {
        RangeAllocations part = allocations_in(log, tid, p->start_ns, p->end_ns);
        allocs.known = part.known, allocs.allocations += part.allocations, allocs.bytes += part.bytes;
    }
    if (allocs.known && tid != 0)
        f.evidence.push_back(allocs.allocations == 0 ? "that thread made no allocations meanwhile"
                                                     : "that thread made about " + with_commas(allocs.allocations) +
                                                           " allocations (" + human_bytes(double(allocs.bytes)) +
                                                           ") meanwhile");
    // What the thread ran there, from the CPU profile; else what the I/O counts can say.
    std::string code = code_context(log, cpu, tid, tid ? thread_name(log, names, tid) : "the threads", s.phases);
    std::string io = code.empty() ? io_context(log, files) : code;
    if (!io.empty()) f.evidence.push_back(io);
    if (story == Story::Shared)
        f.advice = "The threads never ran more than one core's worth at once. If they take turns on a lock, shorten "
                   "the critical section or give each thread its own data; if they waited for cores other programs "
                   "held, measure again on an idle machine.";
    else if (created >= kManyCreated * s.phases.size())
        f.advice = "This thread started " + with_commas(created) + " threads one after another in it, and creating a "
                   "thread is serial work for its creator: start a few workers once and hand them batches of work.";
    else
        f.advice = "Overlap this work with the parallel part or split it: start it on the results finished so far "
                   "(e.g. encode and write rows while later rows are computed, a pipeline), or divide it among "
                   "threads. Its length bounds the whole program's speed-up.";
    // Time saved if the work were spread over the cores the run used at its peak.
    int cores = std::max(2, c.peak_level);
    f.cost_ns = uint64_t(s.length_ns * (1.0 - 1.0 / cores));
    f.cost_estimated = true;  // what spreading it over the cores would save
    const Phase& longest = s.longest();
    f.figures = {{"start_seconds", longest.start_ns / 1e9},
                 {"end_seconds", longest.end_ns / 1e9},
                 {"stretches", double(s.phases.size())},
                 {"seconds", s.length_ns / 1e9},
                 {"share_of_run", run > 0 ? s.length_ns / run : 0},
                 {"tid", double(tid)},
                 {"thread_cpu_seconds", s.thread_cpu_ns / 1e9},
                 {"other_threads_cpu_seconds", s.others_cpu_ns / 1e9},
                 {"threads_alive", double(s.most_alive)},
                 {"threads_alive_at_once", double(s.peak_alive)},
                 {"threads_started", double(created)},
                 {"serial_fraction", c.serial_fraction()},
                 {"ceiling_speedup", c.ceiling_speedup()}};
    if (s.waiting_known) f.figures["waiting_seconds"] = s.waiting_ns / 1e9;
    if (waits_known) add_time_figures(s.time, tid, f);
    return f;
}

// P(t) fell to one thread's worth while the threads were ready to run: the
// cores were busy with something else, so this says nothing about the
// program's own parallelism, and the serial fraction is an underestimate
// of what it could do.
Finding contention_finding(const Log& log, const Concurrency& c, const Stretches& s) {
    double run = run_wall_ns(log);
    Finding f;
    f.kind = "cpu-contention";
    f.title = "CPU contention: " + human_seconds(s.length_ns / 1e9) + " (" + percent(s.length_ns, run) +
              " of the run) with one thread's worth of CPU while threads were ready to run but had no core";
    f.site = "the machine";
    f.evidence.push_back("one thread's worth of CPU (P(t) rounded to 1) for " + human_seconds(s.length_ns / 1e9) +
                         (s.phases.size() > 1 ? " (" + stretch_list(s) + ")" : " (" + time_range(*s.phases[0]) + ")"));
    f.evidence.push_back("meanwhile the threads spent " + human_seconds(s.waiting_ns / 1e9) +
                         " runnable but waiting for a CPU (the kernel's run-queue delay, /proc/.../schedstat): " +
                         "another program held the cores, or the program was confined to fewer of them");
    if (c.resolved())
        f.evidence.push_back("the serial fraction f = " + fixed(c.serial_fraction(), 2) +
                             " measured on this run counts those stretches as serial: it overstates how serial the "
                             "program is");
    f.advice = "Measure again on an idle machine (or give the program cores of its own: taskset, cgroups) before "
               "looking for serial work in these stretches; the threads were ready to run.";
    f.cost_ns = 0;  // not the program's to fix
    f.figures = {{"seconds", s.length_ns / 1e9},
                 {"stretches", double(s.phases.size())},
                 {"share_of_run", run > 0 ? s.length_ns / run : 0},
                 {"waiting_seconds", s.waiting_ns / 1e9}};
    return f;
}

}  // namespace

std::vector<Finding> find_serial_phases(const RuleInput& in) {
    const Log& log = in.log;
    std::vector<Finding> found;
    const Concurrency& c = in.analysis.concurrency;  // phases attributed
    if (!c.present || !c.resolved()) return found;  // too short a run to tell phases apart
    std::map<uint32_t, Stretches> groups;  // by the thread that did the most
    for (const Phase& p : c.serial_phases) {
        // One thread alone is only a problem when more could have run: other
        // threads existed, or the run showed it had more than one core.
        if (p.threads_alive <= 1 && c.peak_level < 2) continue;
        Stretches& s = groups[p.tid];
        s.phases.push_back(&p);
        s.length_ns += p.length_ns();
        s.cpu_ns += p.cpu_ns;
        s.thread_cpu_ns += p.thread_cpu_ns;
        s.others_cpu_ns += p.others_cpu_ns;
        s.top_other_cpu_ns = std::max(s.top_other_cpu_ns, p.top_other_cpu_ns);
        s.most_alive = std::max(s.most_alive, p.threads_alive);
        s.peak_alive = std::max(s.peak_alive, peak_alive_in(log, p.start_ns, p.end_ns));
        s.waiting_known = s.waiting_known && p.waiting_ns >= 0;
        s.waiting_ns += std::max(0.0, p.waiting_ns);
        size_t index = size_t(&p - c.serial_phases.data());
        if (index < in.analysis.phase_times.serial.size()) merge_range_time(s.time, in.analysis.phase_times.serial[index]);
    }
    Stretches contended;  // the stretches another program's load explains
    contended.waiting_known = true;
    for (auto& group : groups) {
        Stretches& s = group.second;
        if (s.waiting_known && s.waiting_ns >= kContentionShare * s.length_ns) {
            for (const Phase* p : s.phases) contended.phases.push_back(p);
            contended.length_ns += s.length_ns, contended.cpu_ns += s.cpu_ns, contended.waiting_ns += s.waiting_ns;
            continue;
        }
        found.push_back(make_finding(log, in.analysis.files, c, story_of(group.first, s), group.first, s, in.sites,
                                     in.analysis.cpu));
    }
    if (!contended.phases.empty()) found.push_back(contention_finding(log, c, contended));
    return found;
}

}  // namespace analyzer
