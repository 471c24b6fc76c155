#include "stacks.h"

#include <atomic>
#include <sys/mman.h>

#include "../../format/log_format.h"
#include "../log/record_sink.h"
#include "../map_once.h"
#include "alloc_stacks.h"
#include "modules.h"

namespace shim {
namespace {

// Open addressing in a chain of tables, each 4x the last (8K slots, 192 KiB,
// then up to 32M): a new stack lands on a random slot, so one table of the
// largest size cost a page fault per new stack (7,396 faults instead of
// 2,424 for one cc1 run, 12 of its 29 ms under the shim). New stacks go to
// the newest table once the one before is half full; lookups try them all.
constexpr size_t kFirstSlots = size_t(1) << 13;
constexpr int kTables = 6;
constexpr int kMaxWaitSpins = 1 << 16;

// A slot is claimed by writing its hash; its id is published once the frames
// are stored, so readers wait on id == 0 only briefly.
struct Slot {
    std::atomic<uint64_t> hash;
    std::atomic<uint32_t> id;
    uint32_t depth;
    const uint64_t* frames;  // the Stack record's frames, inside the arena
};

std::atomic<Slot*> g_tables[kTables];
std::atomic<uint32_t> g_filled[kTables];
std::atomic<int> g_newest{0};
std::atomic<uint32_t> g_next_id{1};

constexpr size_t slots_in(int table) { return kFirstSlots << (2 * table); }

Slot* table_at(int index) { return map_once(g_tables[index], slots_in(index) * sizeof(Slot)); }

// A claim in table `index` filled it past half: new stacks go to the next one.
void note_claim(int index) {
    uint32_t filled = g_filled[index].fetch_add(1, std::memory_order_relaxed) + 1;
    if (filled < slots_in(index) / 2 || index + 1 >= kTables) return;
    if (table_at(index + 1) == nullptr) return;
    int expected = index;
    g_newest.compare_exchange_strong(expected, index + 1, std::memory_order_acq_rel);
}

uint64_t hash_frames(const uint64_t* frames, uint32_t depth) {
    uint64_t h = 0x9e3779b97f4a7c15ull ^ depth;
    for (uint32_t i = 0; i < depth; ++i) {
        h ^= frames[i];
        h *= 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    return h | 1;  // 0 marks an empty slot
}

bool same_frames(const Slot& slot, const uint64_t* frames, uint32_t depth) {
    if (slot.depth != depth) return false;
    for (uint32_t i = 0; i < depth; ++i)
        if (slot.frames[i] != frames[i]) return false;
    return true;
}

// Waits for a slot claimed by another thread to be published. Gives up (0)
// rather than spin forever when the claimer is this very thread, interrupted
// by a signal handler that now wants the same stack.
uint32_t wait_for_id(const Slot& slot) {
    for (int spin = 0; spin < kMaxWaitSpins; ++spin) {
        uint32_t id = slot.id.load(std::memory_order_acquire);
        if (id != 0) return id;
    }
    return 0;
}

uint32_t publish(Slot& slot, const uint64_t* frames, uint32_t depth) {
    uint32_t id = g_next_id.fetch_add(1, std::memory_order_relaxed);
    shimlog::StackRecord rec{id, depth};
    void* payload = arena_record(shimlog::RecordType::Stack,
                                 {{&rec, sizeof rec}, {frames, depth * sizeof(uint64_t)}});
    if (payload == nullptr) {
        slot.depth = 0;
        slot.frames = nullptr;
        slot.id.store(UINT32_MAX, std::memory_order_release);  // poisoned: never matches
        return 0;
    }
    slot.depth = depth;
    slot.frames = reinterpret_cast<const uint64_t*>(static_cast<char*>(payload) + sizeof rec);
    slot.id.store(id, std::memory_order_release);
    return id;
}

enum class Probe { Found, Absent, Claimed };

// Looks for the stack in one table; in the newest, claims a free slot for it.
Probe probe_table(int index, bool newest, uint64_t hash, const uint64_t* frames, uint32_t depth,
                  uint32_t* id) {
    Slot* table = index == 0 ? table_at(0) : g_tables[index].load(std::memory_order_acquire);
    if (table == nullptr) return Probe::Absent;
    size_t mask = slots_in(index) - 1;
    for (size_t probe = 0; probe <= mask; ++probe) {
        Slot& slot = table[(hash + probe) & mask];
        uint64_t seen = slot.hash.load(std::memory_order_acquire);
        if (seen == 0) {
            if (!newest) return Probe::Absent;
            if (slot.hash.compare_exchange_strong(seen, hash, std::memory_order_acq_rel)) {
                note_claim(index);
                *id = publish(slot, frames, depth);
                return Probe::Claimed;
            }
            // lost the race: `seen` now holds the winner's hash
        }
        if (seen != hash) continue;
        uint32_t found = wait_for_id(slot);
        if (found == 0) {
            *id = 0;
            return Probe::Found;
        }
        if (found != UINT32_MAX && same_frames(slot, frames, depth)) {
            *id = found;
            return Probe::Found;
        }
    }
    return Probe::Absent;  // full: only the newest can be, and then the next one takes it
}

}  // namespace

// Two threads that first see one stack while a table is added may each record
// it, under two ids: the same frames either way.
uint32_t stack_intern(const uint64_t* frames, uint32_t depth) {
    if (depth == 0) return 0;
    if (depth > shimlog::kMaxStackDepth) depth = shimlog::kMaxStackDepth;
    uint64_t hash = hash_frames(frames, depth);
    int newest = g_newest.load(std::memory_order_acquire);
    for (int index = 0; index <= newest; ++index) {
        uint32_t id = 0;
        if (probe_table(index, index == newest, hash, frames, depth, &id) != Probe::Absent) return id;
    }
    count_dropped();
    return 0;
}

uint32_t capture_site_stack(uint64_t site) {
    constexpr size_t kSiteDepth = 24;
    void* raw[kSiteDepth + 8];
    int captured = capture_frames(raw, static_cast<int>(kSiteDepth + 8));
    size_t n = captured > 0 ? static_cast<size_t>(captured) : 0;
    uint64_t frames[kSiteDepth + 8];
    uint32_t depth = 0;
    size_t first = 0;
    while (first < n && in_shim(reinterpret_cast<uint64_t>(raw[first]))) ++first;
    // The site itself always heads the stack, even where the unwinder skipped it.
    if (first >= n || reinterpret_cast<uint64_t>(raw[first]) != site) frames[depth++] = site;
    for (size_t i = first; i < n && depth < kSiteDepth; ++i)
        if (!in_shim(reinterpret_cast<uint64_t>(raw[i]))) frames[depth++] = reinterpret_cast<uint64_t>(raw[i]);
    return stack_intern(frames, depth);
}

}  // namespace shim

namespace shim {
namespace {

constexpr size_t kSiteSlots = 4096;

struct SiteSlot {
    std::atomic<uint64_t> site;  // 0 = empty
    std::atomic<uint32_t> stack_id;
};
SiteSlot g_sites[kSiteSlots];

}  // namespace

uint32_t site_stack_id(uint64_t site) {
    size_t start = (site * 0x9e3779b97f4a7c15ull) >> 52;  // 12 bits: kSiteSlots
    for (size_t probe = 0; probe < 16; ++probe) {
        SiteSlot& slot = g_sites[(start + probe) % kSiteSlots];
        uint64_t seen = slot.site.load(std::memory_order_acquire);
        if (seen == site) {
            uint32_t id = slot.stack_id.load(std::memory_order_acquire);
            if (id != 0) return id;
            break;  // another thread is capturing it: capture our own
        }
        if (seen == 0 && slot.site.compare_exchange_strong(seen, site, std::memory_order_acq_rel)) {
            uint32_t id = capture_site_stack(site);
            slot.stack_id.store(id, std::memory_order_release);
            return id;
        }
    }
    return capture_site_stack(site);
}

}  // namespace shim
