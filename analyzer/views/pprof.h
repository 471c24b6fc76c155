// The pprof export: a profile.proto message (github.com/google/pprof,
// proto/profile.proto) built from the log, then encoded and gzip'd, for
// `go tool pprof` and the tools that read its format. The structs mirror the
// proto; strings are indices into string_table, ids start at 1.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "../analysis/alloc_analysis.h"
#include "../model/model.h"
#include "../symbols/symbolize.h"

namespace analyzer {

enum class PprofWhat {
    Allocations,  // alloc_objects, alloc_space, inuse_objects, inuse_space per allocation stack
    Reads,        // read_calls, read_bytes per read-family call site
    Cpu,          // samples/count, cpu/nanoseconds per sampled stack, as a Go CPU profile
    Waits,        // contentions/count, delay/nanoseconds per wait site, as Go's block profile
    LockHolders,  // the same per mutex release site that ended waits, as Go's mutex profile
};

struct PprofValueType {
    int64_t type = 0, unit = 0;
};
struct PprofLabel {
    int64_t key = 0, str = 0;
};
struct PprofSample {
    std::vector<uint64_t> location_ids;  // the leaf first
    std::vector<int64_t> values;         // one per sample type
    std::vector<PprofLabel> labels;
};
struct PprofMapping {
    uint64_t id = 0, start = 0, limit = 0, offset = 0;
    int64_t filename = 0, build_id = 0;
    bool symbolized = false;  // has_functions, _filenames, _line_numbers, _inline_frames
};
struct PprofLine {
    uint64_t function_id = 0;
    int64_t line = 0;
};
struct PprofLocation {
    uint64_t id = 0, mapping_id = 0, address = 0;
    std::vector<PprofLine> lines;  // innermost inlined function first
};
struct PprofFunction {
    uint64_t id = 0;
    int64_t name = 0, system_name = 0, filename = 0;
};

struct PprofProfile {
    std::vector<PprofValueType> sample_types;
    std::vector<PprofSample> samples;
    std::vector<PprofMapping> mappings;
    std::vector<PprofLocation> locations;
    std::vector<PprofFunction> functions;
    std::vector<std::string> string_table{""};  // entry 0 must be ""
    int64_t drop_frames = 0;
    int64_t time_nanos = 0, duration_nanos = 0;
    PprofValueType period_type;
    int64_t period = 0;
    std::vector<int64_t> comments;
    int64_t default_sample_type = 0;

    // The index of `s` in string_table, adding it when new.
    int64_t intern(const std::string& s);

private:
    std::map<std::string, int64_t> string_index_;
};

PprofProfile build_pprof(const Log& log, const AllocReport& allocs, Symbolizer& symbols, PprofWhat what);

// The uncompressed protobuf bytes; the file on disk is gzip_compress() of them.
std::string encode_pprof(const PprofProfile& profile);

}  // namespace analyzer
