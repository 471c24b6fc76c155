// A call site's read or write calls on one file (a file reopened per item
// counted as one), summed over its syscalls: what the unbuffered-io and
// re-read rules look at.
#pragma once
#include <cstdint>
#include <map>
#include <tuple>

#include "../model/model.h"

namespace analyzer {

struct SiteTotals {
    uint32_t file_id = 0;
    uint32_t stack_id = 0;
    uint64_t site = 0;
    bool writes = false;
    shimlog::Syscall main_syscall = shimlog::Syscall::read;
    uint64_t main_calls = 0;
    uint64_t calls = 0;
    uint64_t bytes = 0;
    uint64_t small = 0;       // calls that moved at most the small-size threshold
    uint64_t sequential = 0;  // calls that started at or after where the previous access to the file ended
    uint64_t consecutive = 0; // ... exactly there
    uint64_t time_ns = 0;
    uint64_t untimed = 0;     // calls counted but not timed: time_ns is then an estimate
    uint64_t repeated = 0;    // calls that moved a range the site had just moved (IoSite::repeated)
    bool repeats_known = true;  // false when any of its entries came from a shim that did not count them
    uint64_t histogram[shimlog::kSizeBuckets] = {};
    const IoSite* stream = nullptr;  // the busiest of the stream's refills or flushes, if stdio made the calls
};

// Syscalls only (stdio's own calls are buffered), keyed by (file, site, writes).
std::map<std::tuple<uint32_t, uint64_t, bool>, SiteTotals> totals_by_site(const Log& log, uint64_t small_bytes);

// Small reads of a regular file that mostly jump back or elsewhere instead
// of going on where the previous access ended: a buffer would not help them.
bool scattered_reads(const Log& log, const SiteTotals& t);

}  // namespace analyzer
