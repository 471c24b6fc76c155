// The CPU samples in the Chrome trace: the format's "stackFrames" (id ->
// {name, category, parent}) and "samples" ({cat, pid, tid, ts, name, sf,
// weight}), which chrome://tracing and Perfetto show on each thread's track.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "../analysis/cpu_profile.h"
#include "../encode/json_writer.h"
#include "../model/model.h"

namespace analyzer {

struct CpuTraceOptions {
    // More samples than this keep every Nth of each thread (weights scaled),
    // so a long run still opens in the viewer.
    size_t max_samples = 200000;
};

// Writes "stackFrames", "samples" and "metadata" into the trace's open
// top-level object; nothing without CpuSamples records. `track_of` maps a
// thread id to the track it is drawn on (lanes share one); a thread not in it
// keeps its own id. Returns notes for the user.
std::vector<std::string> write_cpu_trace(JsonWriter& json, const Log& log, const CpuProfileSummary& profile,
                                         const std::map<uint32_t, uint64_t>& track_of, const CpuTraceOptions& options);

}  // namespace analyzer
