// Allocation sites as a programmer sees them: the stacks of AllocReport
// grouped by their site frame (the first frame outside the allocator, libc,
// the C++ runtime and the shim), so one line of code is one row.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "alloc_analysis.h"
#include "../symbols/call_sites.h"

namespace analyzer {

struct AllocSite {
    std::string site;           // "readbyte(BufferedReader&) at workloads/words.cpp:91"
    uint32_t stack_id = 0;      // the full stack that allocated most here
    uint64_t stacks = 0;        // distinct full stacks merged into this site
    uint64_t allocations = 0;
    uint64_t bytes = 0;
    uint64_t temporary = 0;
    uint64_t leaked = 0;
    uint64_t leaked_bytes = 0;
    // Of the leaked (still allocated at exit), when the exit scan decided:
    uint64_t lost = 0;                 // nothing pointed at them
    uint64_t lost_bytes = 0;
    uint64_t possibly_lost = 0;        // only pointers into their middle
    uint64_t possibly_lost_bytes = 0;  // (the rest was still reachable)
    uint64_t min_size = 0;
    uint64_t max_size = 0;
    uint64_t common_size = 0;        // the size allocated most often
    uint64_t common_size_count = 0;  // how often (a lower bound past kMaxDistinctSizes sizes)
};

// Every site, the most allocations first.
std::vector<AllocSite> alloc_sites(const AllocReport& report, CallSites& sites);

// "readbyte()" from "readbyte(BufferedReader&) at words.cpp:91": the function,
// simplified for a title (name_simplify.h).
std::string site_function(const std::string& site);

// "1 B", or "8 B - 4 KiB (mostly 16 B)" when the sizes vary.
std::string describe_sizes(const AllocSite& site);

}  // namespace analyzer
