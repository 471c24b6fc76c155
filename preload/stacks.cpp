#include "stacks.h"

#include <atomic>
#include <sys/mman.h>

#include <boost/stacktrace/safe_dump_to.hpp>

#include "../format/log_format.h"
#include "log_writer.h"
#include "alloc_stacks.h"
#include "modules.h"

namespace shim {
namespace {

constexpr size_t kSlots = size_t(1) << 20;  // open addressing, power of two
constexpr int kMaxWaitSpins = 1 << 16;

// A slot is claimed by writing its hash; its id is published once the frames
// are stored, so readers wait on id == 0 only briefly.
struct Slot {
    std::atomic<uint64_t> hash;
    std::atomic<uint32_t> id;
    uint32_t depth;
    const uint64_t* frames;  // the Stack record's frames, inside the arena
};

std::atomic<Slot*> g_slots{nullptr};
std::atomic<uint32_t> g_next_id{1};

Slot* slots() {
    Slot* table = g_slots.load(std::memory_order_acquire);
    if (table != nullptr) return table;
    void* mem = mmap(nullptr, kSlots * sizeof(Slot), PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mem == MAP_FAILED) return nullptr;
    Slot* expected = nullptr;
    if (!g_slots.compare_exchange_strong(expected, static_cast<Slot*>(mem))) {
        munmap(mem, kSlots * sizeof(Slot));
        return expected;
    }
    return static_cast<Slot*>(mem);
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

}  // namespace

uint32_t stack_intern(const uint64_t* frames, uint32_t depth) {
    Slot* table = slots();
    if (table == nullptr || depth == 0) return 0;
    if (depth > shimlog::kMaxStackDepth) depth = shimlog::kMaxStackDepth;
    uint64_t hash = hash_frames(frames, depth);
    for (size_t probe = 0; probe < kSlots; ++probe) {
        Slot& slot = table[(hash + probe) & (kSlots - 1)];
        uint64_t seen = slot.hash.load(std::memory_order_acquire);
        if (seen == 0) {
            if (slot.hash.compare_exchange_strong(seen, hash, std::memory_order_acq_rel))
                return publish(slot, frames, depth);
            // lost the race: `seen` now holds the winner's hash
        }
        if (seen != hash) continue;
        uint32_t id = wait_for_id(slot);
        if (id == 0) return 0;
        if (id != UINT32_MAX && same_frames(slot, frames, depth)) return id;
    }
    count_dropped();
    return 0;
}

uint32_t capture_site_stack(uint64_t site) {
    constexpr size_t kSiteDepth = 24;
    void* raw[kSiteDepth + 8];
    // Returns the frame count including a terminating null frame.
    ++t_unwinding;
    size_t n = boost::stacktrace::safe_dump_to(0, raw, sizeof raw);
    --t_unwinding;
    while (n > 0 && raw[n - 1] == nullptr) --n;
    uint64_t frames[kSiteDepth + 8];
    uint32_t depth = 0;
    size_t first = 0;
    while (first < n && in_shim(reinterpret_cast<uint64_t>(raw[first]))) ++first;
    // The site itself always heads the stack, even where the unwinder skipped it.
    if (first >= n || reinterpret_cast<uint64_t>(raw[first]) != site) frames[depth++] = site;
    for (size_t i = first; i < n && depth < kSiteDepth; ++i)
        frames[depth++] = reinterpret_cast<uint64_t>(raw[i]);
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
