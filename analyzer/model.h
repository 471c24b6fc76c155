// The analyzer's model of one log: plain structs, filled by decode, read by
// findings and views. Times are in nanoseconds of CLOCK_MONOTONIC.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "../format/log_format.h"
#include "symbolize.h"

namespace analyzer {

struct ProcessInfo {
    uint32_t pid = 0;
    uint32_t ppid = 0;
    bool parent_traced = false;  // a later process of a traced run
    std::string exe;
    std::vector<std::string> argv;
    uint64_t start_realtime_ns = 0;
    uint64_t start_ns = 0;
    uint64_t start_ticks = 0;
};

struct EndInfo {
    bool present = false;
    uint64_t end_ns = 0;
    uint64_t end_ticks = 0;
    int32_t exit_status = 0;
    shimlog::EndReason reason = shimlog::EndReason::Exit;
    uint64_t dropped = 0;
};

struct FileInfo {
    uint32_t id = 0;
    int32_t fd = -1;
    shimlog::FileKind kind = shimlog::FileKind::Unknown;
    std::string path;
};

// Counters of one (file, call site, syscall); times already in nanoseconds.
struct IoSite {
    uint32_t file_id = 0;
    uint32_t stack_id = 0;
    uint64_t site = 0;
    shimlog::Syscall syscall = shimlog::Syscall::read;
    uint64_t calls = 0;
    uint64_t errors = 0;
    uint64_t eof = 0;
    uint64_t bytes_requested = 0;
    uint64_t bytes_done = 0;
    uint64_t sequential = 0;
    uint64_t consecutive = 0;
    uint64_t time_ns = 0;
    uint64_t max_ns = 0;
    uint64_t histogram[shimlog::kSizeBuckets] = {};
};

struct Log {
    std::string path;
    ProcessInfo process;
    EndInfo end;
    std::vector<ModuleInfo> modules;
    std::map<uint32_t, FileInfo> files;
    std::map<uint32_t, std::vector<uint64_t>> stacks;
    std::vector<IoSite> io_sites;
    bool partial = false;          // the log stops before its End record
    std::string partial_reason;
    uint64_t records = 0;
    uint64_t unknown_records = 0;  // types this analyzer does not know, skipped
    double ns_per_tick = 1.0;
    bool ticks_calibrated = false; // false: timings inside calls are unknown

    // Wall time of the run: start to End, or to the last thing seen when partial.
    uint64_t duration_ns() const;
    const std::vector<uint64_t>* stack(uint32_t id) const;
    const FileInfo* file(uint32_t id) const;
};

}  // namespace analyzer
