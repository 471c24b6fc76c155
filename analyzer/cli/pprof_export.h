// The gzip'd pprof profile of a loaded log, shared by `analyzer pprof` (to a
// file) and `analyzer push` (to a profiling backend).
#pragma once
#include <string>
#include <vector>

#include "../model/model.h"
#include "../views/pprof.h"

namespace analyzer {

// "allocs", "reads", "cpu", "waits", "lock-holders" (validated by the CLI).
PprofWhat pprof_what_from_name(const std::string& name);

struct PprofExport {
    std::string gzipped;                    // the file's bytes
    std::vector<std::string> sample_types;  // "alloc_objects", "cpu", ...
    int64_t time_nanos = 0, duration_nanos = 0;
    size_t samples = 0;
};

// The profile, gzip'd; says on stderr what the profile lacks (no samples, an
// uncalibrated clock, a partial log, symbols not found).
PprofExport export_pprof(const Log& log, PprofWhat what);

}  // namespace analyzer
