// The CPU profile (CpuSamples records) summed the way `go tool pprof -top`
// does: per function, its own CPU (flat: the sample's innermost frame) and
// its cumulative CPU (anywhere on the stack, once per sample), with inlined
// functions as functions of their own, as pprof shows them. Every share is of
// CPU (each sample weighs expiries x period), not of sample counts.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "../model/model.h"
#include "../symbols/call_sites.h"
#include "threads_summary.h"

namespace analyzer {

struct CpuFunction {
    std::string name;        // demangled, full (JSON); "[no stack]" when a sample had none
    std::string short_name;  // simplified for the text views (name_simplify.h)
    std::string file;        // relative to the working directory when under it; "" unknown
    int line = 0;            // its line that held the most CPU (own, or calls out of it)
    std::string module;      // basename of the object it is in
    bool shim = false;       // the shim's own code (libshim.so, or its unwinder at work), not the program's
    bool program = false;    // the executable's own code (not a library's, nor a system header's)
    uint64_t self_samples = 0, cum_samples = 0;
    uint64_t self_ns = 0, cum_ns = 0;
    // "f() at x.cpp:31", "f() (libc.so.6)": what the views print.
    std::string where() const;
};

// The threads that ran the same work (threads_summary.h's groups), and what
// they spent their CPU on.
struct CpuThreadKind {
    std::string label;
    uint64_t samples = 0;
    uint64_t cpu_ns = 0;
    std::vector<std::pair<size_t, uint64_t>> top_self;  // (function index, self ns), most first, at most 5
};

struct CpuProfileSummary {
    bool present = false;   // the log has CpuSamples records
    uint64_t period_ns = 0;
    uint64_t samples = 0;
    uint64_t cpu_ns = 0;    // what the samples stand for
    uint64_t dropped = 0;   // lost to full buffers
    // Samples with the interrupted instruction only, by shimlog::CpuSampleDepth.
    uint64_t pc_only[4] = {};
    uint64_t pc_only_total() const { return pc_only[1] + pc_only[2] + pc_only[3]; }
    // The CPU ended threads used after their timer's last delivered expiry
    // (shimlog::CpuSampleDepth::AtThreadEnd): estimated from their CPU clocks.
    uint64_t at_thread_end_samples = 0;
    uint64_t at_thread_end_ns = 0;
    std::vector<CpuFunction> functions;  // every function seen, the most self CPU first (then cum)
    std::vector<size_t> by_cum;          // indexes into functions, the most cumulative CPU first
    std::vector<CpuThreadKind> kinds;    // the most CPU first
    // Each stack's functions, innermost first (inlined ones expanded): what a
    // sample of that stack id was doing. Samples of no stack map to "[no stack]".
    std::map<uint32_t, std::vector<size_t>> stack_functions;
    double share_of_cpu(uint64_t ns) const { return cpu_ns ? double(ns) / double(cpu_ns) : 0; }
};

// `threads` names the threads' kinds (its groups' labels).
CpuProfileSummary summarize_cpu_profile(const Log& log, CallSites& sites, const ThreadsSummary& threads);

// Who called function `index` in the samples where it was innermost: the
// next function out (`program_only`: the first of the program's own), with
// the CPU of those samples, the most first.
std::vector<std::pair<size_t, uint64_t>> cpu_callers(const Log& log, const CpuProfileSummary& profile, size_t index,
                                                     bool program_only);

// What one thread ran within some ranges [start_ns, end_ns) of the run
// (time_axis.h), from its samples there: the heaviest path from the innermost function outwards,
// and how many of the samples it covers.
struct CpuPath {
    uint64_t samples = 0;         // the thread's samples in the range
    uint64_t path_samples = 0;    // of which on the path (its innermost function's)
    std::vector<size_t> frames;   // function indexes, outermost first; empty: no samples
};
struct TimeRange {
    double start_ns = 0, end_ns = 0;
};
// tid 0: every thread's samples.
CpuPath cpu_path_in_ranges(const Log& log, const CpuProfileSummary& profile, uint32_t tid,
                           const std::vector<TimeRange>& ranges);

}  // namespace analyzer
