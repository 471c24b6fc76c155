#include "reachability.h"

#include <algorithm>

#include "../decode/chunk_unpack.h"

namespace analyzer {
namespace {

using shimlog::ExitScanRegionKind;

// The live blocks by address, and which one a word points into.
class BlockIndex {
public:
    explicit BlockIndex(std::vector<LiveBlockAtExit>& blocks) : blocks_(blocks) {
        std::sort(blocks_.begin(), blocks_.end(),
                  [](const LiveBlockAtExit& a, const LiveBlockAtExit& b) { return a.address < b.address; });
    }
    static constexpr uint32_t kNone = UINT32_MAX;
    // The block whose bytes hold `address` (a zero-sized block: its address only).
    uint32_t containing(uint64_t address) const {
        auto after = std::upper_bound(blocks_.begin(), blocks_.end(), address,
                                      [](uint64_t a, const LiveBlockAtExit& b) { return a < b.address; });
        if (after == blocks_.begin()) return kNone;
        const LiveBlockAtExit& b = *(after - 1);
        return address - b.address < std::max<uint64_t>(b.size, 1) ? uint32_t(after - 1 - blocks_.begin()) : kNone;
    }
    bool any_starts_in(uint64_t start, uint64_t end) const {
        auto first = std::lower_bound(blocks_.begin(), blocks_.end(), start,
                                      [](const LiveBlockAtExit& b, uint64_t a) { return b.address < a; });
        return first != blocks_.end() && first->address < end;
    }
    const LiveBlockAtExit& operator[](uint32_t i) const { return blocks_[i]; }
    size_t size() const { return blocks_.size(); }

private:
    std::vector<LiveBlockAtExit>& blocks_;
};

// Roots: module data, the exiting stack, and anonymous mappings that hold no
// live block (another thread's stack or TLS, the program's own mmap). A
// mapping that holds blocks is heap: only the blocks' own words count there,
// the rest is the allocator's (free chunks keep stale pointers).
class RootRegions {
public:
    RootRegions(const std::vector<shimlog::ExitScanRegion>& regions, const BlockIndex& blocks) : regions_(regions) {
        root_.reserve(regions.size());
        for (const shimlog::ExitScanRegion& r : regions) {
            auto kind = static_cast<ExitScanRegionKind>(r.kind);
            bool heap = kind == ExitScanRegionKind::Brk ||
                        (kind == ExitScanRegionKind::Anonymous && blocks.any_starts_in(r.start, r.end));
            root_.push_back(!heap);
        }
    }
    bool is_root(uint64_t address) const {
        auto after = std::upper_bound(regions_.begin(), regions_.end(), address,
                                      [](uint64_t a, const shimlog::ExitScanRegion& r) { return a < r.start; });
        if (after == regions_.begin()) return false;
        size_t i = size_t(after - 1 - regions_.begin());
        return address < regions_[i].end && root_[i];
    }

private:
    const std::vector<shimlog::ExitScanRegion>& regions_;
    std::vector<bool> root_;
};

struct Edge {
    uint32_t from;  // a block, or kRoot
    uint32_t to;
    bool to_start;  // points at the block's first byte, not inside it
};
constexpr uint32_t kRoot = UINT32_MAX;

// Every (where, value) pair whose value lies in a live block, as an edge.
bool read_edges(const Log& log, const BlockIndex& blocks, const RootRegions& roots, std::vector<Edge>& edges,
                Reachability& result, std::string& problem) {
    std::string raw;
    for (const ExitScanPairs& record : log.exit_scan.pairs) {
        std::string why;
        if (!unpack_chunk(record.compression, record.raw_size, record.body, record.body_size, raw, why)) {
            problem = "an exit scan record cannot be unpacked: " + why;
            return false;
        }
        const uint8_t* in = reinterpret_cast<const uint8_t*>(raw.data());
        const uint8_t* end = in + raw.size();
        uint64_t where = 0, value = 0;
        for (uint32_t i = 0; i < record.count; ++i) {
            uint64_t step, delta;
            if (!shimlog::get_varint(&in, end, &step) || !shimlog::get_varint(&in, end, &delta)) {
                problem = "an exit scan record ends inside a pair";
                return false;
            }
            where += step * 8;
            value += uint64_t(shimlog::unzigzag(delta));
            uint32_t to = blocks.containing(value);
            if (to == BlockIndex::kNone) continue;
            bool to_start = value == blocks[to].address;
            uint32_t from = blocks.containing(where);
            if (from != BlockIndex::kNone) {
                if (from != to) edges.push_back({from, to, to_start});
                result.heap_pointers++;
            } else if (roots.is_root(where)) {
                edges.push_back({kRoot, to, to_start});
                result.root_pointers++;
            }
        }
    }
    return true;
}

// Marks from the roots: along pointers to blocks' starts first (reachable),
// then along any pointer (possibly lost); the rest stays lost.
std::vector<Reach> mark(const std::vector<Edge>& edges, size_t block_count) {
    // Edges by source, roots last (kRoot is the largest index).
    std::vector<uint32_t> first(block_count + 2, 0);
    for (const Edge& e : edges) first[(e.from == kRoot ? block_count : e.from) + 1]++;
    for (size_t i = 1; i < first.size(); ++i) first[i] += first[i - 1];
    std::vector<uint32_t> fill(first.begin(), first.end() - 1);
    std::vector<const Edge*> by_source(edges.size());
    for (const Edge& e : edges) by_source[fill[e.from == kRoot ? block_count : e.from]++] = &e;

    std::vector<Reach> reach(block_count, Reach::Lost);
    std::vector<uint32_t> work;
    auto walk = [&](Reach level, bool starts_only) {
        auto visit = [&](size_t source) {
            for (uint32_t k = first[source]; k < first[source + 1]; ++k) {
                const Edge& e = *by_source[k];
                if ((starts_only && !e.to_start) || reach[e.to] >= level) continue;
                reach[e.to] = level;
                work.push_back(e.to);
            }
        };
        visit(block_count);  // the roots
        if (!starts_only)    // and onwards from every block reached already
            for (uint32_t b = 0; b < block_count; ++b)
                if (reach[b] == Reach::Reachable) visit(b);
        while (!work.empty()) {
            uint32_t b = work.back();
            work.pop_back();
            visit(b);
        }
    };
    walk(Reach::Reachable, true);
    walk(Reach::PossiblyLost, false);
    return reach;
}

}  // namespace

std::string why_undecidable(const Log& log) {
    const ExitScan& scan = log.exit_scan;
    if (!scan.present) {
        if (log.budget.sampled())
            return "allocations were sampled for the disk budget (SHIM_MAX_LOG_MB): the shim does not scan memory at exit";
        if (log.alloc_sample_bytes != 0) return "in sampling mode (SHIM_ALLOC_SAMPLE) the shim does not scan memory at exit";
        if (log.partial || !log.end.present || log.end.reason != shimlog::EndReason::Exit)
            return "the shim scans memory only at a normal exit";
        return "the log has no exit scan (written by an older shim)";
    }
    if (!scan.finished) return "the shim's exit scan did not finish";
    uint32_t flags = scan.summary.flags;
    if (flags & shimlog::kExitScanSmallHeap)
        return "the heap held under 1 MiB at exit, below what the shim scans";
    if (flags & shimlog::kExitScanNoMaps) return "the shim could not read /proc/self/maps at exit";
    if (flags & (shimlog::kExitScanBudgetBytes | shimlog::kExitScanBudgetPairs))
        return "the exit scan stopped at its budget (" + std::to_string(scan.summary.bytes_scanned >> 20) +
               " MiB read, " + std::to_string(scan.summary.pairs) + " pointers): reachability is incomplete";
    if (flags & shimlog::kExitScanUnreadable)
        return "part of the memory (" + std::to_string(scan.summary.bytes_skipped) +
               " bytes) could not be read at exit: pointers there are unknown";
    return "";
}

Reachability decide_reachability(const Log& log, std::vector<LiveBlockAtExit>& blocks) {
    Reachability result;
    BlockIndex index(blocks);
    RootRegions roots(log.exit_scan.regions, index);
    std::vector<Edge> edges;
    std::string problem;
    if (!read_edges(log, index, roots, edges, result, problem)) {
        result.undecided = problem;
        return result;
    }
    std::vector<Reach> reach = mark(edges, index.size());
    result.decided = true;
    for (uint32_t i = 0; i < index.size(); ++i) {
        const LiveBlockAtExit& b = index[i];
        if (!b.counted) continue;
        switch (reach[i]) {
            case Reach::Reachable:
                result.reachable++;
                result.reachable_bytes += b.size;
                break;
            case Reach::PossiblyLost: {
                result.possibly_lost++;
                result.possibly_lost_bytes += b.size;
                Reachability::PerStack& s = result.stacks[b.stack_id];
                s.possibly_lost++;
                s.possibly_lost_bytes += b.size;
                break;
            }
            case Reach::Lost: {
                result.lost++;
                result.lost_bytes += b.size;
                Reachability::PerStack& s = result.stacks[b.stack_id];
                s.lost++;
                s.lost_bytes += b.size;
                break;
            }
        }
    }
    return result;
}

}  // namespace analyzer
