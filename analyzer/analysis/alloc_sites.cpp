#include "alloc_sites.h"

#include <algorithm>

#include "../text/format.h"
#include "../symbols/name_simplify.h"

namespace analyzer {

std::vector<AllocSite> alloc_sites(const AllocReport& report, CallSites& sites) {
    struct Group {
        AllocSite site;
        uint64_t top_stack_allocations = 0;
        std::map<uint64_t, uint64_t> sizes;
    };
    std::map<std::string, Group> groups;  // by site name: one row per line of code
    for (const auto& entry : report.stacks) {
        const AllocStackStats& stack = entry.second;
        if (stack.allocations == 0) continue;
        std::string name = sites.site_name(stack.stack_id, 0);
        Group& group = groups[name];
        AllocSite& site = group.site;
        site.site = name;
        if (site.stacks == 0 || stack.min_size < site.min_size) site.min_size = stack.min_size;
        site.max_size = std::max(site.max_size, stack.max_size);
        site.stacks++;
        site.allocations += stack.allocations;
        site.bytes += stack.bytes;
        site.temporary += stack.temporary;
        site.leaked += stack.leaked;
        site.leaked_bytes += stack.leaked_bytes;
        auto reach = report.reach.stacks.find(stack.stack_id);
        if (reach != report.reach.stacks.end()) {
            site.lost += reach->second.lost;
            site.lost_bytes += reach->second.lost_bytes;
            site.possibly_lost += reach->second.possibly_lost;
            site.possibly_lost_bytes += reach->second.possibly_lost_bytes;
        }
        if (stack.allocations > group.top_stack_allocations) {
            group.top_stack_allocations = stack.allocations;
            site.stack_id = stack.stack_id;
        }
        for (const auto& size : stack.sizes) group.sizes[size.first] += size.second;
    }
    std::vector<AllocSite> out;
    for (auto& entry : groups) {
        AllocSite& site = entry.second.site;
        site.common_size = most_common_size(entry.second.sizes);
        auto common = entry.second.sizes.find(site.common_size);
        site.common_size_count = common == entry.second.sizes.end() ? 0 : common->second;
        out.push_back(std::move(site));
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const AllocSite& a, const AllocSite& b) { return a.allocations > b.allocations; });
    return out;
}

std::string site_function(const std::string& site) {
    size_t at = site.rfind(" at ");
    return simplify_function_name(at == std::string::npos ? site : site.substr(0, at));
}

std::string describe_sizes(const AllocSite& site) {
    if (site.min_size == site.max_size) return human_bytes(double(site.min_size));
    return human_bytes(double(site.min_size)) + " - " + human_bytes(double(site.max_size)) + " (mostly " +
           human_bytes(double(site.common_size)) + ")";
}

}  // namespace analyzer
