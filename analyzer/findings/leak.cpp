// Finding "leak": a site whose allocations were still held, in bulk, when the
// program exited normally. Only a complete log can tell: in a cut log every
// allocation after the cut looks unfreed.
#include <algorithm>

#include "../alloc_sites.h"
#include "../views/format.h"
#include "rules.h"

namespace analyzer {
namespace {

// Exit status says the program ran its cleanup; every event is in the log.
bool can_tell_leaks(const Log& log, const AllocReport& allocs) {
    return !log.partial && log.end.present && log.end.reason == shimlog::EndReason::Exit && log.end.dropped == 0 &&
           allocs.consistent();
}

Finding make_finding(const AllocReport& allocs, CallSites& sites, const AllocSite& site) {
    Finding f;
    f.kind = "leak";
    f.title = "Leak: " + human_bytes(double(site.leaked_bytes)) + " in " + with_commas(site.leaked) +
              " allocations never freed, from " + site_function(site.site);
    f.site = site.site;
    f.stack = sites.frames(site.stack_id, 0, 6);
    f.evidence.push_back(with_commas(site.leaked) + " of the " + with_commas(site.allocations) +
                         " allocations made here (" + with_commas(site.leaked_bytes) + " of " +
                         with_commas(site.bytes) + " bytes) were still allocated at exit");
    f.evidence.push_back("the whole program still held " + human_bytes(double(allocs.live_bytes)) + " in " +
                         with_commas(allocs.live_allocations) + " allocations at exit; its peak was " +
                         human_bytes(double(allocs.peak_bytes)));
    f.advice = "Free these blocks when their last user is done (own them with std::unique_ptr or a container). "
               "If they are meant to live until exit, this costs nothing now, but it hides real leaks in long runs.";
    f.cost_ns = 0;  // memory, not time: ranked after every finding that costs time
    f.cost_bytes = site.leaked_bytes;  // ... and among memory findings by this (cost_ranking.h)
    f.figures = {{"leaked_allocations", double(site.leaked)},
                 {"leaked_bytes", double(site.leaked_bytes)},
                 {"allocations", double(site.allocations)},
                 {"bytes", double(site.bytes)},
                 {"program_live_bytes", double(allocs.live_bytes)}};
    return f;
}

}  // namespace

std::vector<Finding> find_leaks(const Log& log, const AllocReport& allocs, CallSites& sites, const Thresholds& limits) {
    std::vector<Finding> found;
    if (allocs.live_bytes < limits.leak_min_bytes || !can_tell_leaks(log, allocs)) return found;
    for (const AllocSite& site : alloc_sites(allocs, sites)) {
        if (site.leaked == 0 || site.leaked_bytes < limits.leak_min_bytes) continue;
        // Memory the runtime keeps for itself (libstdc++'s emergency exception
        // pool, stdio's tables) has no frame of the program's: not its leak.
        if (!sites.has_program_frame(site.stack_id)) continue;
        found.push_back(make_finding(allocs, sites, site));
    }
    std::stable_sort(found.begin(), found.end(), [](const Finding& a, const Finding& b) {
        return a.figures.at("leaked_bytes") > b.figures.at("leaked_bytes");
    });
    return found;
}

}  // namespace analyzer
