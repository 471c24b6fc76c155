// The other processes of a run: every process the first one started (fork
// children, programs they executed) wrote log.bin.<pid>[.<n>] beside its log.
#pragma once
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "../model/model.h"

namespace analyzer {

struct ProcessSummary {
    std::string path;      // its log
    uint32_t pid = 0;
    uint32_t ppid = 0;
    std::string command;
    uint64_t wall_ns = 0;
    std::string ending;    // "exit 0", "killed by signal 9", "exec", "no end record"
    uint64_t start_realtime_ns = 0;
    int depth = 0;         // in the process tree: 0 for the first process's pid, 1 for its children, ...
};

// The logs beside `first` (the run's first log) written by processes of the
// same run: named after it, started no earlier than it (or an earlier image
// of its pid: a launcher that exec'd), descended from its pid. Unreadable
// files are skipped. In tree order: each pid's images (an exec chain) by
// start time, each followed by the processes started while it ran.
std::vector<ProcessSummary> child_logs(const std::string& first_path, const Log& first);

// "Processes of this run" for the text report: one row per child, at most `top`.
void write_process_tree(const Log& first, const std::vector<ProcessSummary>& children, size_t top,
                        std::ostream& out);

}  // namespace analyzer
