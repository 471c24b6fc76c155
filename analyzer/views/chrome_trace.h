// The timeline as Chrome Trace Event JSON ({"traceEvents": [...]}), which
// ui.perfetto.dev and chrome://tracing open: a track per thread (or shared
// lanes for many of a kind), a "threads on CPU" counter from P(t), and the
// serial and idle phases as markers on a track of their own; the CPU samples,
// when the log has them, on each thread's track (chrome_trace_cpu.h), and
// the contended waits as slices on those tracks (chrome_trace_waits.h).
#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "../symbols/call_sites.h"
#include "../findings/finding.h"
#include "../model/model.h"
#include "../analysis/analysis.h"
#include "../analysis/timeline_layout.h"
#include "chrome_trace_cpu.h"
#include "chrome_trace_waits.h"

namespace analyzer {

struct TimelineOptions {
    LayoutOptions layout;
    Thresholds limits;               // the phase lengths, as in the report
    size_t max_counter_points = 20000;  // the P(t) counter is averaged down to this
    CpuTraceOptions cpu;                // the CPU samples (chrome_trace_cpu.h)
    WaitTraceOptions waits;             // the contended waits (chrome_trace_waits.h)
};

// Writes the trace; returns notes for the user (what could not be drawn).
std::vector<std::string> write_chrome_trace(const Log& log, const Analysis& analysis, CallSites& sites,
                                            const TimelineOptions& options,
                                            std::ostream& out);

}  // namespace analyzer
