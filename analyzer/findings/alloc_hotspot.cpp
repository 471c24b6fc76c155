// Finding "allocation hot spot": one line of code makes a large share of all
// allocations and frees them almost at once (heaptrack's "temporary"), where
// one reused buffer would do.
#include "../alloc_sites.h"
#include "../views/format.h"
#include "rules.h"

namespace analyzer {
namespace {

// The shim does not time allocations, so the cost is an estimate: a
// malloc+free pair of a small block on glibc's fast path (tcache), measured
// at 13-16 ns on this project's 2-core test machine.
constexpr uint64_t kEstimatedNsPerPair = 15;

Finding make_finding(const AllocReport& allocs, CallSites& sites, const AllocSite& site) {
    double share = double(site.allocations) / double(allocs.allocations);
    double temporary_share = double(site.temporary) / double(site.allocations);
    uint64_t cost_ns = site.allocations * kEstimatedNsPerPair;

    Finding f;
    f.kind = "alloc-hotspot";
    f.title = "Allocation hot spot: " + with_commas(site.allocations) + " allocations of " + describe_sizes(site) +
              " at " + site_function(site.site);
    f.site = site.site;
    f.stack = sites.frames(site.stack_id, 0, 6);
    f.evidence.push_back(percent(double(site.allocations), double(allocs.allocations)) + " of the program's " +
                         with_commas(allocs.allocations) + " allocations; " + human_bytes(double(site.bytes)) +
                         " allocated here in all");
    f.evidence.push_back(with_commas(site.temporary) + " (" + percent(double(site.temporary), double(site.allocations)) +
                         ") temporary: freed by the same thread before its next allocation");
    f.evidence.push_back("sizes: " + human_bytes(double(site.min_size)) + " to " + human_bytes(double(site.max_size)) +
                         ", most often " + human_bytes(double(site.common_size)) + " (" +
                         with_commas(site.common_size_count) + " times)");
    f.evidence.push_back("cost estimated at " + human_seconds(double(cost_ns) / 1e9) + " (" +
                         std::to_string(kEstimatedNsPerPair) +
                         " ns per malloc+free pair, not measured: the shim does not time allocations)");
    f.advice = "Allocate once and reuse: hoist the buffer out of the loop (a member or the caller's variable), "
               "or keep a small fixed-size buffer on the stack instead of the heap.";
    f.cost_ns = cost_ns;
    f.figures = {{"allocations", double(site.allocations)},
                 {"share_of_allocations", share},
                 {"bytes", double(site.bytes)},
                 {"temporary", double(site.temporary)},
                 {"temporary_share", temporary_share},
                 {"min_size", double(site.min_size)},
                 {"max_size", double(site.max_size)},
                 {"common_size", double(site.common_size)},
                 {"estimated_seconds", double(cost_ns) / 1e9}};
    return f;
}

}  // namespace

std::vector<Finding> find_alloc_hotspots(const AllocReport& allocs, CallSites& sites, const Thresholds& limits) {
    std::vector<Finding> found;
    if (allocs.allocations == 0) return found;
    for (const AllocSite& site : alloc_sites(allocs, sites)) {
        if (site.allocations < limits.alloc_min_count) break;  // sorted: the rest have fewer
        if (double(site.allocations) < limits.alloc_min_share * double(allocs.allocations)) break;
        if (double(site.temporary) < limits.alloc_temporary_share * double(site.allocations)) continue;
        found.push_back(make_finding(allocs, sites, site));
    }
    return found;
}

}  // namespace analyzer
