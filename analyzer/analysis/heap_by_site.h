// The heap in use by site when a log ends: the blocks still allocated,
// grouped by site frame as alloc_sites.h groups them, those allocated in the
// log and those held from before it (a window's LiveBlocks) together. A
// snapshot's answer to "what holds the heap now".
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "alloc_analysis.h"
#include "../symbols/call_sites.h"

namespace analyzer {

struct HeapSite {
    std::string site;
    uint32_t stack_id = 0;    // the stack holding the most bytes here
    uint64_t blocks = 0;      // in use when the log ends
    uint64_t bytes = 0;
    uint64_t held_blocks = 0; // of them, allocated before the window (held across it)
    uint64_t held_bytes = 0;
};

// Every site holding blocks, the most bytes first.
std::vector<HeapSite> heap_by_site(const AllocReport& report, CallSites& sites);

}  // namespace analyzer
