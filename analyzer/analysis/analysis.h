// Everything computed from one log before a rule or a view reads it. Each
// analysis runs once (pipeline.cpp) and is handed to the rules and the views,
// which only read it: one report used to compute concurrency three times.
#pragma once
#include <vector>

#include "../model/model.h"
#include "../symbols/call_sites.h"
#include "alloc_analysis.h"
#include "alloc_sites.h"
#include "concurrency.h"
#include "cpu_profile.h"
#include "heap_by_site.h"
#include "io_totals.h"
#include "thread_time.h"
#include "threads_summary.h"
#include "unseen_io.h"
#include "wait_utilization.h"
#include "waits.h"

namespace analyzer {

struct Analysis {
    AllocReport allocs;                 // empty when the log's allocations were not replayed
    std::vector<AllocSite> alloc_sites; // of allocs, the most allocations first
    // A window's log (or a snapshot): the heap in use at its end by site, the
    // most bytes first; empty otherwise (the leak tables say it at exit).
    std::vector<HeapSite> heap_sites;
    // P(t), with the serial phases split where threads start or end and every
    // phase attributed to its threads (phase_attribution.h).
    Concurrency concurrency;
    ThreadsSummary threads;
    PhaseThreadTimes phase_times;       // how each thread spent each phase (thread_time.h)
    WaitUtilization wait_utilization;   // wait time per object while the cores were poorly used
    CpuProfileSummary cpu;                   // the CPU profile by function; absent without CpuSamples
    std::vector<SyscallTotals> syscalls;     // most time first (syscalls only)
    std::vector<SyscallTotals> stdio_calls;  // the stdio calls seen
    std::vector<FileTotals> files;           // a row per file, not per open; most calls first
    UnseenIo unseen;                         // what the kernel counted that no hook saw
    ThreadsUnseenIo threads_unseen;          // the same, per thread
    WaitsSummary waits;                      // contended waits per object; absent without wait records
};

// Every analysis of `log` around its allocation report (analyze_allocations,
// or empty when not needed); `concurrency` sets the phase lengths (the rules'
// concurrency_options). `sites` names the threads and allocation sites.
Analysis analyze(const Log& log, CallSites& sites, AllocReport allocs, const ConcurrencyOptions& concurrency);

}  // namespace analyzer
