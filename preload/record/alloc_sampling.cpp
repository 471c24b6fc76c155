#include "alloc_sampling.h"

#include <atomic>
#include <cstdlib>
#include <sys/mman.h>

#include "../../format/log_format.h"
#include "block_pool.h"
#include "../log/record_sink.h"
#include "../settings.h"

namespace shim {
namespace {

constexpr uint32_t kCountSlots = 4096;          // distinct stacks per thread
constexpr uint32_t kSampledSlots = 1u << 16;    // sampled blocks alive at once
constexpr uint32_t kMaxProbes = 64;
constexpr uint64_t kTombstone = 1;
constexpr uint32_t kMaxStackIds = 1u << 20;     // as stacks.cpp's table

// 0: off. Atomic because the disk budget (log/budget.h) turns sampling on
// while threads allocate; a relaxed load is the plain load it was.
std::atomic<uint64_t> g_mean_bytes{0};

struct StackCount {
    uint32_t stack_id;  // 0 = empty slot (stack 0, "unknown", is counted apart)
    uint64_t allocations;
    uint64_t bytes;
};

// Open addressing over pointers: 0 empty, 1 a removed entry, else a block.
std::atomic<uint64_t> g_sampled[kSampledSlots];

uint32_t pointer_slot(uint64_t p) { return static_cast<uint32_t>((p * 0x9e3779b97f4a7c15ull) >> 48); }

}  // namespace

struct SamplingState {
    SamplingState* next;
    std::atomic<bool> in_use;
    int64_t until_sample;
    uint64_t random;
    uint64_t frees;
    uint64_t unknown_allocations, unknown_bytes;  // the table was full
    StackCount counts[kCountSlots];
};

namespace {

std::atomic<SamplingState*> g_states{nullptr};

// Gaps uniform in [1, 2N]: mean N. A sampled block of s bytes then stands for
// max(1, N/s) allocations (the analyzer's weight).
int64_t next_gap(SamplingState& s) {
    s.random ^= s.random << 13;
    s.random ^= s.random >> 7;
    s.random ^= s.random << 17;
    // Read once: a window opening may turn sampling off meanwhile (never 0 here).
    uint64_t mean = g_mean_bytes.load(std::memory_order_relaxed);
    return static_cast<int64_t>(1 + s.random % (2 * (mean != 0 ? mean : 1)));
}

}  // namespace

void sampling_init() {
    uint64_t bytes = setting_alloc_sample_bytes();
    if (bytes != 0) g_mean_bytes.store(bytes, std::memory_order_relaxed);
}

bool sampling_on() { return g_mean_bytes.load(std::memory_order_relaxed) != 0; }

void sampling_begin(uint64_t mean_bytes) {
    if (!sampling_on()) g_mean_bytes.store(mean_bytes, std::memory_order_relaxed);
}

// Only while nothing records (a window opening): the sampled blocks of the
// last window are forgotten, and each thread's countdown starts afresh.
void sampling_restore() {
    uint64_t chosen = setting_alloc_sample_bytes();
    if (g_mean_bytes.load(std::memory_order_relaxed) == chosen) return;
    g_mean_bytes.store(chosen, std::memory_order_relaxed);
    for (std::atomic<uint64_t>& slot : g_sampled) slot.store(0, std::memory_order_relaxed);
}

SamplingState* sampling_acquire() {
    bool reused = false;
    SamplingState* s = pool_acquire(g_states, &reused);
    if (s != nullptr && s->random == 0) {
        s->random = reinterpret_cast<uint64_t>(s) ^ 0x2545f4914f6cdd1dull;
        s->until_sample = next_gap(*s);
    }
    return s;
}

void sampling_release(SamplingState* state) { pool_release(state); }

bool sampling_count(SamplingState* s, uint32_t stack_id, size_t size) {
    uint32_t start = (stack_id * 2654435761u) % kCountSlots;
    bool counted = false;
    for (uint32_t probe = 0; stack_id != 0 && probe < kCountSlots && !counted; ++probe) {
        StackCount& c = s->counts[(start + probe) % kCountSlots];
        if (c.stack_id != stack_id && c.stack_id != 0) continue;
        c.stack_id = stack_id;
        c.allocations++;
        c.bytes += size;
        counted = true;
    }
    if (!counted) {
        s->unknown_allocations++;
        s->unknown_bytes += size;
    }
    s->until_sample -= static_cast<int64_t>(size);
    if (s->until_sample > 0) return false;
    s->until_sample = next_gap(*s);
    return true;
}

bool sampling_remember(const void* ptr) {
    uint64_t p = reinterpret_cast<uint64_t>(ptr);
    uint32_t start = pointer_slot(p);
    for (uint32_t probe = 0; probe < kMaxProbes; ++probe) {
        std::atomic<uint64_t>& slot = g_sampled[(start + probe) % kSampledSlots];
        uint64_t seen = slot.load(std::memory_order_relaxed);
        if ((seen == 0 || seen == kTombstone) && slot.compare_exchange_strong(seen, p)) return true;
    }
    return false;
}

bool sampling_forget(SamplingState* s, const void* ptr) {
    if (s != nullptr) s->frees++;
    uint64_t p = reinterpret_cast<uint64_t>(ptr);
    uint32_t start = pointer_slot(p);
    for (uint32_t probe = 0; probe < kMaxProbes; ++probe) {
        std::atomic<uint64_t>& slot = g_sampled[(start + probe) % kSampledSlots];
        uint64_t seen = slot.load(std::memory_order_relaxed);
        if (seen == 0) return false;
        if (seen == p && slot.compare_exchange_strong(seen, kTombstone)) return true;
    }
    return false;
}

void sampling_write_counts() {
    if (!sampling_on()) return;
    // Dense by stack id: ids are small integers handed out in order.
    size_t bytes = sizeof(shimlog::AllocCountEntry) * kMaxStackIds;
    void* mem = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mem == MAP_FAILED) return;
    auto* merged = static_cast<shimlog::AllocCountEntry*>(mem);
    shimlog::AllocCountsRecord rec{};
    rec.sample_bytes = g_mean_bytes.load(std::memory_order_relaxed);
    uint32_t highest = 0;
    for (SamplingState* s = g_states.load(std::memory_order_acquire); s; s = s->next) {
        rec.frees += s->frees;
        merged[0].allocations += s->unknown_allocations;
        merged[0].bytes += s->unknown_bytes;
        for (const StackCount& c : s->counts) {
            if (c.stack_id == 0 || c.stack_id >= kMaxStackIds) continue;
            merged[c.stack_id].allocations += c.allocations;
            merged[c.stack_id].bytes += c.bytes;
            if (c.stack_id > highest) highest = c.stack_id;
        }
    }
    // Compact the used entries in place, in front of the array.
    uint32_t used = 0;
    for (uint32_t id = 0; id <= highest; ++id) {
        if (merged[id].allocations == 0) continue;
        shimlog::AllocCountEntry entry = merged[id];
        entry.stack_id = id;
        merged[used++] = entry;
    }
    rec.entries = used;
    sink_record(shimlog::RecordType::AllocCounts,
                {{&rec, sizeof rec}, {merged, used * sizeof(shimlog::AllocCountEntry)}});
    munmap(mem, bytes);
}

void sampling_after_fork_child() {
    for (SamplingState* s = g_states.load(std::memory_order_acquire); s; s = s->next) {
        for (StackCount& c : s->counts) c = StackCount{};
        s->frees = s->unknown_allocations = s->unknown_bytes = 0;
    }
}

}  // namespace shim
