// The run's I/O added up per syscall, per stdio call and per file.
#pragma once
#include <cstdint>
#include <vector>

#include "../model/model.h"

namespace analyzer {

// Aggregates shared by the views, the findings and the diff: per syscall and per (file, direction).
struct SyscallTotals {
    shimlog::Syscall syscall;
    uint64_t calls = 0, errors = 0, time_ns = 0;
    uint64_t untimed_calls = 0;  // counted but not timed: time_ns is then an estimate
};
struct FileTotals {
    uint32_t file_id = 0;  // the file's first id (file_groups.h)
    uint32_t opens = 1;    // the opens that did I/O on it
    bool writes = false;
    bool stdio = false;  // calls to stdio (fread, fgets, ...), not syscalls
    uint64_t calls = 0, bytes = 0, errors = 0, eof = 0, sequential = 0, consecutive = 0, time_ns = 0;
    uint64_t histogram[shimlog::kSizeBuckets] = {};
    uint64_t untimed_calls = 0;  // counted but not timed: time_ns is then an estimate
};
std::vector<SyscallTotals> totals_by_syscall(const Log& log);  // most time first (syscalls only)
std::vector<SyscallTotals> totals_by_stdio_call(const Log& log);  // the stdio calls seen
// "read", "write", "stdio rd", "stdio wr": a FileTotals row's operation.
const char* op_label(const FileTotals& t);
std::vector<FileTotals> totals_by_file(const Log& log);        // a row per file, not per open; most calls first


}  // namespace analyzer
