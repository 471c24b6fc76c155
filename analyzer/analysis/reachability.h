// Which blocks still allocated at exit were lost: the analyzer's half of the
// exit scan (FORMAT.md, ExitScan). A block is reachable when a chain of
// pointers to its start leads to it from a root (a module's data or bss, the
// exiting thread's stack, an anonymous mapping holding no block: another
// thread's stack, TLS, the program's own mmap); possibly lost when only
// chains through an interior pointer do; lost when no chain does.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "../model/model.h"

namespace analyzer {

struct LiveBlockAtExit {
    uint64_t address = 0;
    uint64_t size = 0;
    uint32_t stack_id = 0;
    // A window's block from before it (held across): part of the pointer graph,
    // but not of the figures, which are of the blocks the log allocated.
    bool counted = true;
};

enum class Reach : uint8_t { Lost = 0, PossiblyLost = 1, Reachable = 2 };

// Blocks, bytes and per stack id, of each kind; `decided` false with the
// reason in `undecided` when the log cannot tell (no scan, a budget spent).
struct Reachability {
    bool decided = false;
    std::string undecided;
    uint64_t reachable = 0, reachable_bytes = 0;
    uint64_t possibly_lost = 0, possibly_lost_bytes = 0;
    uint64_t lost = 0, lost_bytes = 0;
    uint64_t root_pointers = 0, heap_pointers = 0;  // pairs that pointed at a live block
    struct PerStack {
        uint64_t possibly_lost = 0, possibly_lost_bytes = 0;
        uint64_t lost = 0, lost_bytes = 0;
    };
    std::map<uint32_t, PerStack> stacks;
};

// Why the log cannot decide, or "" when its scan can be used.
std::string why_undecidable(const Log& log);

// Decides every block of `blocks` (any order; sorted in place) from the
// log's exit scan. Call only when why_undecidable(log) is "".
Reachability decide_reachability(const Log& log, std::vector<LiveBlockAtExit>& blocks);

}  // namespace analyzer
