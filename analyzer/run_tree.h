// The other processes of a run: every process the first one started (fork
// children, programs they executed) wrote log.bin.<pid>[.<n>] beside its log.
#pragma once
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "model.h"

namespace analyzer {

struct ProcessSummary {
    std::string path;      // its log
    uint32_t pid = 0;
    uint32_t ppid = 0;
    std::string command;
    uint64_t wall_ns = 0;
    std::string ending;    // "exit 0", "killed by signal 9", "exec", "no end record"
};

// The logs beside `first` (the run's first log) written by processes of the
// same run: named after it, started while it ran, descended from its pid.
// Unreadable files are skipped. Sorted by start time.
std::vector<ProcessSummary> child_logs(const std::string& first_path, const Log& first);

// "Processes of this run" for the text report: one row per child, at most `top`.
void write_process_tree(const Log& first, const std::vector<ProcessSummary>& children, size_t top,
                        std::ostream& out);

}  // namespace analyzer
