// Finding "file reopened": one path opened, used and closed again thousands
// of times (sqlite in autocommit mode recreates its journal per statement; a
// logger that opens its file per line). Each open is a path lookup and a
// descriptor, and often a create, truncate and unlink with it.
#include "../analysis/file_groups.h"
#include "../text/format.h"
#include "../analysis/io_totals.h"
#include "rules.h"

namespace analyzer {

std::vector<Finding> find_reopened_files(const RuleInput& in) {
    const Log& log = in.log;
    const Thresholds& limits = in.limits;
    std::vector<Finding> found;
    FileGroups groups = group_files(log);
    for (const auto& [first, opens] : groups.opens) {
        if (opens < limits.reopen_min_opens) continue;
        const FileInfo* file = log.file(first);
        if (file == nullptr || file->kind != shimlog::FileKind::Regular) continue;
        uint64_t calls = 0, bytes = 0, time_ns = 0;
        for (const IoSite& site : log.io_sites)
            if (groups.of(site.file_id) == first && !shimlog::is_stdio(site.syscall))
                calls += site.calls, bytes += site.bytes_done, time_ns += site.time_ns;
        Finding f;
        f.kind = "file-reopened";
        f.title = "File reopened " + with_commas(opens) + " times: " + printable(file->path);
        f.site = "the code that opens " + printable(file->path);
        f.evidence.push_back(with_commas(opens) + " opens did I/O on it: " + with_commas(calls) +
                             " read/write calls moving " + human_bytes(double(bytes)) + " (" +
                             fixed(double(calls) / double(opens), 1) + " calls per open)");
        f.evidence.push_back("each open is a path lookup and a new descriptor (and, for a file made anew, a "
                             "create and a delete); the shim does not time them");
        f.advice = "Open it once and keep the descriptor. For SQLite's journal: put the statements in one "
                   "transaction (BEGIN ... COMMIT) or use PRAGMA journal_mode=WAL; for a log file, keep it open.";
        f.cost_ns = time_ns;
        f.cost_at_least = true;  // the opens (and creates, deletes) are not timed
        f.cost_known = log.ticks_calibrated;
        f.figures = {{"opens", double(opens)}, {"calls", double(calls)}, {"bytes", double(bytes)}};
        found.push_back(f);
    }
    return found;
}

}  // namespace analyzer
