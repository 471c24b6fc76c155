#include "window_table.h"

#include <algorithm>
#include <dirent.h>
#include <map>
#include <sys/stat.h>

#include "../model/window_name.h"

namespace analyzer {
namespace {

// The sections whose rows are one figure for the whole window.
bool headline_section(const std::string& name) {
    return name == "run" || name == "allocations" || name == "threads" || name == "cpu";
}

bool exists(const std::string& path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

WindowTable tabulate_windows(std::vector<RunSummary> windows) {
    bool one_recording = !windows.empty();
    for (const RunSummary& w : windows) one_recording &= w.window_base == windows[0].window_base;
    if (one_recording)
        std::stable_sort(windows.begin(), windows.end(), [](const RunSummary& a, const RunSummary& b) {
            return window_of_log(a.path).number < window_of_log(b.path).number;
        });
    WindowTable table;
    size_t n = windows.size();
    std::map<std::pair<std::string, std::string>, size_t> index;  // (section, key) -> row
    auto row_for = [&](const std::string& section, const std::string& key, Unit unit) -> WindowRow& {
        auto found = index.find({section, key});
        if (found != index.end()) return table.rows[found->second];
        index[{section, key}] = table.rows.size();
        table.rows.push_back(WindowRow{section, key, unit, std::vector<double>(n, 0), std::vector<bool>(n, false)});
        return table.rows.back();
    };
    // Headline rows first, in the order the sections and rows come in; a row
    // a window lacks reads 0 there, except ratios that need data (needs_both).
    for (size_t i = 0; i < n; ++i)
        for (const SummarySection& section : windows[i].sections) {
            if (!headline_section(section.name)) continue;
            for (const SummaryRow& row : section.rows) {
                if (row.metrics.empty()) continue;
                const Metric& m = row.metrics[0];
                WindowRow& r = row_for(section.title, row.key, m.unit);
                r.values[i] = m.value;
                r.present[i] = true;
            }
        }
    for (WindowRow& r : table.rows)
        if (r.unit != Unit::Ratio) std::fill(r.present.begin(), r.present.end(), true);
    const std::string findings = "Findings (cost)";
    for (size_t i = 0; i < n; ++i)
        for (const SummarySection& section : windows[i].sections) {
            if (section.name != "findings") continue;
            for (const SummaryRow& row : section.rows)
                for (const Metric& m : row.metrics)
                    if (m.name == "cost") {
                        WindowRow& r = row_for(findings, row.key, Unit::Seconds);
                        r.values[i] = m.value;
                        r.present[i] = true;
                    }
        }
    table.windows = std::move(windows);
    return table;
}

std::vector<std::string> window_logs(const std::string& log_path) {
    std::vector<std::string> paths;
    if (exists(log_path)) paths.push_back(log_path);
    size_t slash = log_path.rfind('/');
    std::string dir = slash == std::string::npos ? "." : log_path.substr(0, slash == 0 ? 1 : slash);
    std::string name = slash == std::string::npos ? log_path : log_path.substr(slash + 1);
    std::vector<std::pair<unsigned, std::string>> later;
    if (DIR* d = opendir(dir.c_str())) {
        while (dirent* entry = readdir(d)) {
            std::string file = entry->d_name;
            if (file.rfind(name + ".w", 0) != 0) continue;
            std::string path = slash == std::string::npos ? file : log_path.substr(0, slash + 1) + file;
            WindowName w = window_of_log(path);
            if (w.base == log_path && !w.snapshot && w.number > 1 && exists(path)) later.emplace_back(w.number, path);
        }
        closedir(d);
    }
    std::sort(later.begin(), later.end());
    for (const auto& entry : later) paths.push_back(entry.second);
    return paths;
}

}  // namespace analyzer
