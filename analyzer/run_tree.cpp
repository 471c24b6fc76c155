#include "run_tree.h"

#include <algorithm>
#include <dirent.h>
#include <map>
#include <set>

#include "decode.h"
#include "views/format.h"

namespace analyzer {
namespace {

// "<base>.<digits>" or "<base>.<digits>.<digits>": the names the shim gives.
bool is_child_name(const std::string& name, const std::string& base) {
    if (name.size() <= base.size() + 1 || name.compare(0, base.size() + 1, base + ".") != 0) return false;
    std::string rest = name.substr(base.size() + 1);
    if (rest.size() >= 4 && rest.compare(rest.size() - 4, 4, ".tmp") == 0) return false;
    bool digit_seen = false;
    for (char c : rest) {
        if (c == '.') {
            if (!digit_seen) return false;
            digit_seen = false;
        } else if (c >= '0' && c <= '9') {
            digit_seen = true;
        } else {
            return false;
        }
    }
    return digit_seen;
}

std::string describe_ending(const Log& log) {
    if (!log.end.present) return "no end record";
    switch (log.end.reason) {
        case shimlog::EndReason::Exit: return "exit " + std::to_string(log.end.exit_status);
        case shimlog::EndReason::QuickExit: return "_exit " + std::to_string(log.end.exit_status);
        case shimlog::EndReason::Exec: return "exec";
        case shimlog::EndReason::Signal: return "signal " + std::to_string(log.end.exit_status);
    }
    return "?";
}


}  // namespace

std::vector<ProcessSummary> child_logs(const std::string& first_path, const Log& first) {
    size_t slash = first_path.rfind('/');
    std::string dir = slash == std::string::npos ? "." : first_path.substr(0, slash);
    std::string base = slash == std::string::npos ? first_path : first_path.substr(slash + 1);
    // Started while the first process ran (its end, or now if it has none).
    uint64_t from = first.process.start_realtime_ns;
    uint64_t until = first.duration_ns() > 0 ? from + first.duration_ns() + 1000000000ull : UINT64_MAX;

    std::vector<std::pair<uint64_t, std::pair<ProcessSummary, uint32_t>>> found;  // start, (summary, ppid)
    DIR* d = opendir(dir.c_str());
    while (dirent* entry = d ? readdir(d) : nullptr) {
        std::string name = entry->d_name;
        if (!is_child_name(name, base)) continue;
        try {
            Log log = decode_log_file(dir + "/" + name);
            uint64_t start = log.process.start_realtime_ns;
            // The first process's own earlier images (a launcher that exec'd
            // the program: env, nice, a script) started before it, same pid.
            bool earlier_image = log.process.pid == first.process.pid && start <= from &&
                                 from - start < 86400ull * 1000000000ull;
            if (!earlier_image && (start < from || start > until || !log.process.parent_traced)) continue;
            ProcessSummary s{dir + "/" + name, log.process.pid, log.process.ppid, log.process.command_line(), log.duration_ns(),
                             describe_ending(log)};
            found.push_back({start, {s, log.process.ppid}});
        } catch (const LogError&) {
        }
    }
    if (d) closedir(d);
    std::sort(found.begin(), found.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    // Keep the descendants of the first process: a pid joins once its parent has.
    std::set<uint32_t> family{first.process.pid};
    std::vector<ProcessSummary> children;
    for (const auto& entry : found) {
        const ProcessSummary& s = entry.second.first;
        if (!family.count(s.ppid) && !family.count(s.pid)) continue;
        family.insert(s.pid);
        children.push_back(s);
    }
    return children;
}

void write_process_tree(const Log& first, const std::vector<ProcessSummary>& children, size_t top,
                        std::ostream& out) {
    if (children.empty()) return;
    out << "\nProcesses of this run (" << children.size() << " besides pid " << first.process.pid
        << "; `analyzer report --children LOG` reports each)\n";
    out << "  " << pad_right("pid", 8) << pad_right("parent", 8) << pad_right("wall", 10) << pad_right("ended", 15)
        << "command  [log]\n";
    size_t shown = 0;
    for (const ProcessSummary& s : children) {
        if (shown++ == top) {
            out << "  ... " << children.size() - top << " more (use --top)\n";
            break;
        }
        out << "  " << pad_right(std::to_string(s.pid), 8) << pad_right(std::to_string(s.ppid), 8)
            << pad_right(s.wall_ns ? human_seconds(double(s.wall_ns) / 1e9) : "-", 10) << pad_right(s.ending, 15)
            << s.command << "  [" << s.path.substr(s.path.rfind('/') + 1) << "]\n";
    }
}

}  // namespace analyzer
