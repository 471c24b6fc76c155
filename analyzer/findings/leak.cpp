// Finding "leak": memory lost at a normal exit. A block still allocated at
// exit is a leak only if nothing points at it any more (the exit scan,
// reachability.h): memory a tool keeps until exit on purpose is still
// reachable and is listed in the allocations section, not here. Without a
// usable scan (an older shim, sampling mode) the finding says it cannot tell.
// Only a complete log can tell anything: in a cut log every allocation after
// the cut looks unfreed.
#include <algorithm>

#include "../analysis/alloc_sites.h"
#include "../text/format.h"
#include "rules.h"

namespace analyzer {
namespace {

// Exit status says the program ran its cleanup; every event is in the log.
bool can_tell_leaks(const Log& log, const AllocReport& allocs) {
    // After a disk budget's stop no free was written: what was held at exit is not known.
    return !log.partial && log.end.present && log.end.reason == shimlog::EndReason::Exit && log.end.dropped == 0 &&
           !log.budget.stopped() && allocs.consistent();
}

enum class Language { C, Cxx, Unknown };

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// C++ when the block came from operator new, the allocating code is in
// libstdc++, or the site's function has a C++ name (a namespace, or a
// demangled parameter list, which C names never carry); C when the site's
// function is a plain name, or its file is a .c file.
Language language_of(CallSites& sites, uint32_t stack_id, const std::string& site) {
    if (const std::vector<uint64_t>* stack = sites.log().stack(stack_id)) {
        for (size_t i = 0; i < stack->size() && i < 4; ++i) {
            std::string frame = sites.describe((*stack)[i]);
            if (frame.find("operator new") != std::string::npos || frame.find("libstdc++") != std::string::npos)
                return Language::Cxx;
        }
    }
    std::string function = site_function(site);
    std::string file = site.size() > function.size() + 4 ? site.substr(function.size() + 4) : "";
    file = file.substr(0, file.rfind(':'));
    if (function.find("::") != std::string::npos || function.find('(') != std::string::npos) return Language::Cxx;
    for (const char* ext : {".cpp", ".cc", ".cxx", ".hpp", ".hh", ".C"})
        if (ends_with(file, ext)) return Language::Cxx;
    if (ends_with(file, ".c")) return Language::C;
    // A symbol with no debug info: a plain identifier is a C function.
    bool plain = !function.empty() && function.find_first_not_of(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == std::string::npos;
    return plain ? Language::C : Language::Unknown;
}

std::string advice_for(Language language) {
    switch (language) {
        case Language::C:
            return "free() each block on the path where its last user is done with it, before its last pointer is "
                   "overwritten or goes out of scope; a function that returns the only pointer must document that the "
                   "caller frees it.";
        case Language::Cxx:
            return "Give each block an owner that frees it: std::unique_ptr (std::make_unique) or a container instead "
                   "of a raw new, so the last pointer going away frees the memory.";
        case Language::Unknown: break;
    }
    return "Free each block when its last user is done with it (in C++, let std::unique_ptr or a container own it).";
}

std::string program_totals(const AllocReport& allocs) {
    return "the whole program still held " + human_bytes(double(allocs.live_bytes)) + " in " +
           with_commas(allocs.live_allocations) + " allocations at exit; its peak was " +
           human_bytes(double(allocs.peak_bytes));
}

// The exit scan decided: this site's lost blocks.
Finding lost_finding(const AllocReport& allocs, CallSites& sites, const AllocSite& site) {
    const Reachability& reach = allocs.reach;
    Finding f;
    f.kind = "leak";
    f.title = "Leak: " + human_bytes(double(site.lost_bytes)) + " in " + with_commas(site.lost) +
              " allocations lost (no pointer to them left at exit), from " + site_function(site.site);
    f.site = site.site;
    f.stack = sites.frames(site.stack_id, 0, 6);
    f.evidence.push_back(with_commas(site.lost) + " of the " + with_commas(site.allocations) +
                         " allocations made here (" + with_commas(site.lost_bytes) + " of " + with_commas(site.bytes) +
                         " bytes) were still allocated at exit and no pointer to them was found in the program's "
                         "data, stacks or heap");
    uint64_t kept_bytes = site.leaked_bytes - site.lost_bytes - site.possibly_lost_bytes;
    if (kept_bytes > 0 || site.possibly_lost_bytes > 0)
        f.evidence.push_back("also from here at exit: " + human_bytes(double(kept_bytes)) +
                             " still reachable (not counted: kept until exit, the OS frees it)" +
                             (site.possibly_lost_bytes ? ", " + human_bytes(double(site.possibly_lost_bytes)) +
                                                             " possibly lost (only pointers into their middle)"
                                                       : std::string()));
    f.evidence.push_back(program_totals(allocs) + "; of that " + human_bytes(double(reach.reachable_bytes)) +
                         " still reachable, " + human_bytes(double(reach.possibly_lost_bytes)) + " possibly lost, " +
                         human_bytes(double(reach.lost_bytes)) + " lost");
    f.advice = advice_for(language_of(sites, site.stack_id, site.site)) +
               " Lost memory cannot be freed later: in a long run it grows with every pass through this code.";
    f.cost_ns = 0;  // memory, not time: ranked after every finding that costs time
    f.cost_bytes = site.lost_bytes;  // ... and among memory findings by this (cost_ranking.h)
    f.figures = {{"leaked_allocations", double(site.lost)},
                 {"leaked_bytes", double(site.lost_bytes)},
                 {"lost_bytes", double(site.lost_bytes)},
                 {"possibly_lost_bytes", double(site.possibly_lost_bytes)},
                 {"reachable_bytes", double(kept_bytes)},
                 {"allocations", double(site.allocations)},
                 {"bytes", double(site.bytes)},
                 {"program_live_bytes", double(allocs.live_bytes)},
                 {"program_lost_bytes", double(reach.lost_bytes)}};
    return f;
}

// No usable exit scan: held at exit, reachable or lost unknown.
Finding undecided_finding(const AllocReport& allocs, CallSites& sites, const AllocSite& site) {
    Finding f;
    f.kind = "leak";
    f.title = "Possible leak: " + human_bytes(double(site.leaked_bytes)) + " in " + with_commas(site.leaked) +
              " allocations still held at exit, from " + site_function(site.site);
    f.site = site.site;
    f.stack = sites.frames(site.stack_id, 0, 6);
    f.evidence.push_back(with_commas(site.leaked) + " of the " + with_commas(site.allocations) +
                         " allocations made here (" + with_commas(site.leaked_bytes) + " of " +
                         with_commas(site.bytes) + " bytes) were still allocated at exit");
    f.evidence.push_back("whether they were still reachable (kept until exit on purpose, which is not a leak) or "
                         "lost cannot be told: " + allocs.reach.undecided);
    f.evidence.push_back(program_totals(allocs));
    f.advice = "If these blocks are meant to live until exit, nothing needs doing. If not: " +
               advice_for(language_of(sites, site.stack_id, site.site));
    f.cost_ns = 0;
    f.cost_bytes = site.leaked_bytes;  // memory: ranked after time findings, by this (cost_ranking.h)
    f.figures = {{"leaked_allocations", double(site.leaked)},
                 {"leaked_bytes", double(site.leaked_bytes)},
                 {"allocations", double(site.allocations)},
                 {"bytes", double(site.bytes)},
                 {"program_live_bytes", double(allocs.live_bytes)}};
    return f;
}

}  // namespace

std::vector<Finding> find_leaks(const RuleInput& in) {
    const Log& log = in.log;
    const AllocReport& allocs = in.analysis.allocs;
    CallSites& sites = in.sites;
    const Thresholds& limits = in.limits;
    std::vector<Finding> found;
    if (allocs.live_bytes < limits.leak_min_bytes || !can_tell_leaks(log, allocs)) return found;
    bool decided = allocs.reach.decided;
    for (const AllocSite& site : in.analysis.alloc_sites) {
        uint64_t bytes = decided ? site.lost_bytes : site.leaked_bytes;
        if (bytes == 0 || bytes < limits.leak_min_bytes) continue;
        // Memory the runtime keeps for itself (libstdc++'s emergency exception
        // pool, stdio's tables) has no frame of the program's: not its leak.
        if (!sites.has_program_frame(site.stack_id)) continue;
        found.push_back(decided ? lost_finding(allocs, sites, site) : undecided_finding(allocs, sites, site));
    }
    std::stable_sort(found.begin(), found.end(), [](const Finding& a, const Finding& b) {
        return a.figures.at("leaked_bytes") > b.figures.at("leaked_bytes");
    });
    return found;
}

}  // namespace analyzer
