#include "heap_by_site.h"

#include <algorithm>
#include <map>

namespace analyzer {

std::vector<HeapSite> heap_by_site(const AllocReport& report, CallSites& sites) {
    std::map<std::string, std::pair<HeapSite, uint64_t>> groups;  // site -> (row, its top stack's bytes)
    for (const auto& entry : report.stacks) {
        const AllocStackStats& stack = entry.second;
        uint64_t bytes = stack.leaked_bytes + stack.held_bytes;
        if (stack.leaked + stack.held == 0) continue;
        std::string name = sites.site_name(entry.first, 0);
        auto& group = groups[name];
        HeapSite& row = group.first;
        row.site = name;
        row.blocks += stack.leaked + stack.held;
        row.bytes += bytes;
        row.held_blocks += stack.held;
        row.held_bytes += stack.held_bytes;
        if (bytes > group.second) group.second = bytes, row.stack_id = entry.first;
    }
    std::vector<HeapSite> out;
    for (auto& group : groups) out.push_back(std::move(group.second.first));
    std::stable_sort(out.begin(), out.end(), [](const HeapSite& a, const HeapSite& b) { return a.bytes > b.bytes; });
    return out;
}

}  // namespace analyzer
