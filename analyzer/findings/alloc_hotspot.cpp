// Finding "allocation hot spot": one line of code makes a large share of all
// allocations and frees them almost at once — heaptrack's "temporary", where
// one reused buffer would do — or churns through far more memory than the
// program ever holds at once: a growing copy (repeated concatenation) when
// the sizes spread out, blocks of one size made and dropped when they do not.
#include <algorithm>

#include "../analysis/alloc_sites.h"
#include "../text/format.h"
#include "rules.h"

namespace analyzer {
namespace {

// The shim does not time allocations, so the cost is an estimate: a
// malloc+free pair of a small block on glibc's fast path (tcache), measured
// at 13-16 ns on this project's 2-core test machine.
constexpr uint64_t kEstimatedNsPerPair = 15;
// A new block is normally filled: ~0.1 ns a byte at ~10 GB/s of memory bandwidth.
constexpr double kEstimatedNsPerByte = 0.1;

bool mostly_temporary(const AllocSite& site, const Thresholds& limits) {
    return double(site.temporary) >= limits.alloc_temporary_share * double(site.allocations);
}

// Bytes allocated here many times the peak heap: the blocks cannot have lived long.
bool churns(const AllocSite& site, const AllocReport& allocs, const Thresholds& limits) {
    return allocs.peak_bytes > 0 && double(site.bytes) >= limits.alloc_churn_factor * double(allocs.peak_bytes);
}

// The sizes spread: no one size is most of them and the largest is several
// times the smallest, as when each copy is a piece longer than the last. A
// site whose blocks are mostly one size is not growing anything (perl's and
// sqlite's constant-size churn were called "repeated concatenation").
constexpr double kGrowthSpread = 4;
constexpr double kConstantShare = 0.5;

bool sizes_grow(const AllocSite& site) {
    return double(site.max_size) >= kGrowthSpread * double(std::max<uint64_t>(site.min_size, 1)) &&
           double(site.common_size_count) < kConstantShare * double(site.allocations);
}

Finding make_finding(const AllocReport& allocs, CallSites& sites, const AllocSite& site, const Thresholds& limits) {
    double share = double(site.allocations) / double(allocs.allocations);
    double temporary_share = double(site.temporary) / double(site.allocations);
    uint64_t cost_ns = site.allocations * kEstimatedNsPerPair + uint64_t(double(site.bytes) * kEstimatedNsPerByte);
    bool temporary = mostly_temporary(site, limits);
    bool growing = sizes_grow(site);

    Finding f;
    f.kind = "alloc-hotspot";
    f.title = "Allocation hot spot: " + with_commas(site.allocations) + " allocations of " + describe_sizes(site) +
              " at " + site_function(site.site);
    f.site = site.site;
    f.stack = sites.frames(site.stack_id, 0, 6);
    f.evidence.push_back(percent(double(site.allocations), double(allocs.allocations)) + " of the program's " +
                         with_commas(allocs.allocations) + " allocations; " + human_bytes(double(site.bytes)) +
                         " allocated here in all");
    if (allocs.sampled())
        f.evidence.push_back(std::string("temporary allocations are not known in sampling mode (") +
                             (allocs.budget_sampled ? "the disk budget's, SHIM_MAX_LOG_MB" : "SHIM_ALLOC_SAMPLE") + ")");
    else
        f.evidence.push_back(with_commas(site.temporary) + " (" + percent(double(site.temporary), double(site.allocations)) +
                             ") temporary: freed by the same thread before its next allocation");
    f.evidence.push_back("sizes: " + human_bytes(double(site.min_size)) + " to " + human_bytes(double(site.max_size)) +
                         ", most often " + human_bytes(double(site.common_size)) + " (" +
                         with_commas(site.common_size_count) + " times)");
    if (!temporary && !allocs.sampled())
        f.evidence.push_back(human_bytes(double(site.bytes)) + " allocated here is " +
                             fixed(double(site.bytes) / double(allocs.peak_bytes), 0) + "x the program's peak heap (" +
                             human_bytes(double(allocs.peak_bytes)) + "): at no time was more than 1/" +
                             fixed(double(site.bytes) / double(allocs.peak_bytes), 0) +
                             " of it held, so the blocks are short-lived, though not freed before the next "
                             "allocation");
    if (!temporary && !allocs.sampled())
        f.evidence.push_back(growing ? "the sizes spread from " + human_bytes(double(site.min_size)) + " to " +
                                           human_bytes(double(site.max_size)) + " with no size in half of the "
                                           "allocations, as when each copy is longer than the last"
                                     : double(site.common_size_count) >= kConstantShare * double(site.allocations)
                                     ? "the sizes do not grow: " +
                                           percent(double(site.common_size_count), double(site.allocations)) +
                                           " of the allocations are " + human_bytes(double(site.common_size))
                                     : "the sizes do not grow far: " + human_bytes(double(site.min_size)) + " to " +
                                           human_bytes(double(site.max_size)));
    f.evidence.push_back("cost estimated at " + human_seconds(double(cost_ns) / 1e9) + " (" +
                         std::to_string(kEstimatedNsPerPair) + " ns per malloc+free pair and " +
                         fixed(kEstimatedNsPerByte, 1) +
                         " ns per byte to fill the block; not measured: the shim does not time allocations)");
    f.advice = allocs.sampled()
        ? "Allocate less often here: reuse one buffer across iterations (hoist it out of the loop, or keep it on "
          "the stack), or, if each block must outlive the next, build the result once (reserve, join, or append "
          "to one growable buffer). Run without " +
              std::string(allocs.budget_sampled ? "a disk budget (SHIM_MAX_LOG_MB=0)" : "SHIM_ALLOC_SAMPLE") +
              " to see which of the two it is."
        : temporary
        ? "Allocate once and reuse: hoist the buffer out of the loop (a member or the caller's variable), "
          "or keep a small fixed-size buffer on the stack instead of the heap."
        : !growing
        ? "Blocks of the same size are made and dropped over and over: keep one and reuse it (hoist it out of the "
          "loop), keep a free list or pool of blocks of this size, or, if small, keep it on the stack."
        : "This looks like a growing copy: a result rebuilt and copied for every piece added (repeated string or "
          "bytes concatenation, a container grown one element at a time without reserve). Build it once: collect "
          "the pieces and join them, reserve the final size, or append to one growable buffer.";
    f.cost_ns = cost_ns;
    f.cost_estimated = true;
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

std::vector<Finding> find_alloc_hotspots(const RuleInput& in) {
    const AllocReport& allocs = in.analysis.allocs;
    const Thresholds& limits = in.limits;
    std::vector<Finding> found;
    if (allocs.allocations == 0) return found;
    for (const AllocSite& site : in.analysis.alloc_sites) {
        if (site.allocations < limits.alloc_min_count) break;  // sorted: the rest have fewer
        if (double(site.allocations) < limits.alloc_min_share * double(allocs.allocations)) break;
        // Sampling mode cannot tell temporary blocks: the counts alone decide.
        if (!allocs.sampled() && !mostly_temporary(site, limits) && !churns(site, allocs, limits)) continue;
        found.push_back(make_finding(allocs, in.sites, site, limits));
    }
    return found;
}

}  // namespace analyzer
