#include "child_logs.h"

#include <algorithm>
#include <dirent.h>
#include <map>
#include <set>

#include "../decode/decode.h"
#include "../text/format.h"

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
        case shimlog::EndReason::WindowClosed: return "window closed";
        case shimlog::EndReason::Snapshot: return "snapshot";
    }
    return "?";
}

// One process: its images in start order (more than one when it exec'd), and
// the processes it started, each with the index of the image that started it.
struct TreeNode {
    std::vector<size_t> images;                         // indices into the rows
    std::vector<std::pair<size_t, size_t>> started;    // (image index, node)
};

void emit(const std::vector<TreeNode>& nodes, size_t node, int depth, std::vector<ProcessSummary>& rows,
          std::vector<ProcessSummary>& out) {
    const TreeNode& n = nodes[node];
    for (size_t image = 0; image < n.images.size(); ++image) {
        ProcessSummary row = rows[n.images[image]];
        row.depth = depth;
        out.push_back(row);
        for (const auto& [when, child] : n.started)
            if (when == image) emit(nodes, child, depth + 1, rows, out);
    }
}

// `members` (start order) as a tree: a pid's next log continues it when the
// previous one ended in an exec (otherwise the pid was reused); a process
// hangs under the image of its parent that ran when it started. The first
// log takes part (so its children find it) but is left out of the result.
std::vector<ProcessSummary> tree_order(const std::string& first_path, const Log& first,
                                       const std::vector<ProcessSummary>& members) {
    std::vector<ProcessSummary> rows = members;
    ProcessSummary self{first_path, first.process.pid, first.process.ppid, "", 0, describe_ending(first),
                        first.process.start_realtime_ns, 0};
    auto at = std::upper_bound(rows.begin(), rows.end(), self, [](const ProcessSummary& a, const ProcessSummary& b) {
        return a.start_realtime_ns < b.start_realtime_ns;
    });
    // Earlier images of the first pid start no later than it: place it after them.
    rows.insert(at, self);

    std::vector<TreeNode> nodes;
    std::vector<size_t> roots;
    std::map<uint32_t, size_t> current;  // pid -> its latest node
    for (size_t i = 0; i < rows.size(); ++i) {
        auto same = current.find(rows[i].pid);
        if (same != current.end() && rows[nodes[same->second].images.back()].ending == "exec") {
            nodes[same->second].images.push_back(i);
            continue;
        }
        nodes.push_back({{i}, {}});
        size_t node = nodes.size() - 1;
        auto parent = current.find(rows[i].ppid);
        if (parent != current.end() && rows[i].pid != first.process.pid)
            nodes[parent->second].started.push_back({nodes[parent->second].images.size() - 1, node});
        else
            roots.push_back(node);
        current[rows[i].pid] = node;
    }
    std::vector<ProcessSummary> out;
    for (size_t root : roots) emit(nodes, root, 0, rows, out);
    out.erase(std::remove_if(out.begin(), out.end(), [&](const ProcessSummary& s) { return s.path == first_path; }),
              out.end());
    return out;
}

}  // namespace

std::vector<ProcessSummary> child_logs(const std::string& first_path, const Log& first) {
    size_t slash = first_path.rfind('/');
    std::string dir = slash == std::string::npos ? "." : first_path.substr(0, slash);
    std::string base = slash == std::string::npos ? first_path : first_path.substr(slash + 1);
    // Started no earlier than the first process or, when it is a later image
    // of its pid, than the exec chain's first image: what an earlier image
    // started (a shell's vfork'd command) is of the run too. No upper bound:
    // the run goes on as long as any of its processes does (an exec chain's
    // later images, a child that outlives its parent), and a later run would
    // have replaced log.bin.
    uint64_t from = first.process.start_realtime_ns;
    std::vector<ProcessSummary> found;
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
                                 from - start < 86400ull * 1000000000ull && log.end.present &&
                                 log.end.reason == shimlog::EndReason::Exec;
            if (!earlier_image && !log.process.parent_traced) continue;
            found.push_back({dir + "/" + name, log.process.pid, log.process.ppid, log.process.command_line(),
                             log.duration_ns(), describe_ending(log), start, 0});
        } catch (const LogError&) {
        }
    }
    if (d) closedir(d);
    uint64_t run_start = from;
    for (const ProcessSummary& s : found)
        if (s.pid == first.process.pid && s.start_realtime_ns <= from && s.ending == "exec")
            run_start = std::min(run_start, s.start_realtime_ns);
    found.erase(std::remove_if(found.begin(), found.end(),
                               [&](const ProcessSummary& s) { return s.start_realtime_ns < run_start; }),
                found.end());
    std::stable_sort(found.begin(), found.end(), [](const ProcessSummary& a, const ProcessSummary& b) {
        return a.start_realtime_ns < b.start_realtime_ns;
    });
    // Keep the descendants of the first process: a pid joins once its parent has.
    std::set<uint32_t> family{first.process.pid};
    std::vector<ProcessSummary> members;
    for (const ProcessSummary& s : found) {
        if (!family.count(s.ppid) && !family.count(s.pid)) continue;
        family.insert(s.pid);
        members.push_back(s);
    }
    return tree_order(first_path, first, members);
}

void write_process_tree(const Log& first, const std::vector<ProcessSummary>& children, size_t top,
                        std::ostream& out) {
    if (children.empty()) return;
    out << "\nProcesses of this run (" << children.size() << " besides this log of pid " << first.process.pid
        << "; `analyzer report --children LOG` reports each)\n";
    out << "  " << pad_right("pid", 8) << pad_right("parent", 8) << pad_right("wall", 10) << pad_right("ended", 15)
        << "command  [log]\n";
    auto row = [&](uint32_t pid, uint32_t ppid, uint64_t wall_ns, const std::string& ending, int depth,
                   const std::string& command, const std::string& log) {
        out << "  " << pad_right(std::to_string(pid), 8) << pad_right(std::to_string(ppid), 8)
            << pad_right(wall_ns ? human_seconds(double(wall_ns) / 1e9) : "-", 10) << pad_right(ending, 15)
            << std::string(2 * size_t(depth), ' ') << command << "  [" << log << "]\n";
    };
    // This log's own row goes after the earlier images of its pid (an exec
    // chain reads top to bottom), before the processes it started.
    size_t self_at = 0;
    while (self_at < children.size() && children[self_at].depth == 0 && children[self_at].pid == first.process.pid &&
           children[self_at].start_realtime_ns <= first.process.start_realtime_ns)
        ++self_at;
    size_t shown = 0;
    for (size_t i = 0; i <= children.size(); ++i) {
        if (i == self_at)
            row(first.process.pid, first.process.ppid, first.duration_ns(), describe_ending(first), 0,
                first.process.command_line(), "this log");
        if (i == children.size()) break;
        if (shown++ == top) {
            out << "  ... " << children.size() - top << " more (use --top)\n";
            break;
        }
        const ProcessSummary& s = children[i];
        row(s.pid, s.ppid, s.wall_ns, s.ending, s.depth, s.command, s.path.substr(s.path.rfind('/') + 1));
    }
}

}  // namespace analyzer
