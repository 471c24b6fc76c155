// The live-block table: open addressing with linear probing in memory the
// shim maps itself (never malloc), one lock taken per chunk, not per event.
// See live_blocks.h.
#include "live_blocks.h"

#include <atomic>
#include <sys/mman.h>

#include "../../format/log_format.h"
#include "../hooks/interpose.h"
#include "../log/record_sink.h"
#include "../owner_lock.h"

namespace shim {
namespace {

// A free applied before its block's allocation (another thread's chunk, not
// written yet) waits as a FreedFirst entry, which that allocation cancels.
enum Kind : uint32_t { Live = 1, FreedFirst = 2 };

struct Entry {
    uint64_t address;  // 0: empty slot
    uint64_t seq;      // of the event that made the entry
    uint64_t size;
    uint32_t stack_id;
    uint32_t kind;     // Kind
};

constexpr uint64_t kFirstSlots = uint64_t(1) << 16;  // 2 MiB
constexpr uint64_t kMaxSlots = uint64_t(1) << 25;    // 1 GiB of address space, touched as used

std::atomic<bool> g_on{false};
Entry* g_slots = nullptr;
uint64_t g_mask = 0;
uint64_t g_used = 0;  // entries of either kind
bool g_after_pause = false;
bool g_incomplete = false;
OwnerLock g_table_lock;  // held by the thread using the table

Entry* map_slots(uint64_t slots) {
    void* mem = mmap(nullptr, slots * sizeof(Entry), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                     -1, 0);
    return mem == MAP_FAILED ? nullptr : static_cast<Entry*>(mem);
}

// A signal handler that writes a chunk while its thread holds the table
// must not wait for itself: it gives up, and the list says it is incomplete.
bool lock_table() { return g_table_lock.acquire(thread_id(), 1000000); }

void unlock_table() { g_table_lock.release(); }

uint64_t slot_of(uint64_t address) {
    uint64_t h = address * 0x9E3779B97F4A7C15ull;  // blocks are 16-aligned: mix the high bits down
    return (h >> 20) & g_mask;
}

// The entry of `address`, or the empty slot where it would go (the table
// always has empty slots, and deletion leaves no tombstones).
Entry* probe(uint64_t address) {
    uint64_t i = slot_of(address);
    while (g_slots[i].address != address && g_slots[i].address != 0) i = (i + 1) & g_mask;
    return &g_slots[i];
}

// Backward-shift deletion: the probe chains stay unbroken without tombstones.
void erase(Entry* e) {
    uint64_t hole = uint64_t(e - g_slots);
    for (uint64_t i = (hole + 1) & g_mask; g_slots[i].address != 0; i = (i + 1) & g_mask) {
        uint64_t home = slot_of(g_slots[i].address);
        // Movable into the hole when its home is not in (hole, i], cyclically.
        bool between = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
        if (between) continue;
        g_slots[hole] = g_slots[i];
        hole = i;
    }
    g_slots[hole].address = 0;
    g_used--;
}

void place(const Entry& e) {
    *probe(e.address) = e;
    g_used++;
}

// Into a fresh mapping of `slots`, keeping the entries `keep` accepts.
bool rebuild(uint64_t slots, bool keep_freed_first) {
    Entry* fresh = map_slots(slots);
    if (fresh == nullptr) return false;
    Entry* old = g_slots;
    uint64_t old_slots = g_slots ? g_mask + 1 : 0;
    g_slots = fresh;
    g_mask = slots - 1;
    g_used = 0;
    for (uint64_t i = 0; i < old_slots; ++i)
        if (old[i].address != 0 && (keep_freed_first || old[i].kind == Live)) place(old[i]);
    if (old != nullptr) munmap(old, old_slots * sizeof(Entry));
    return true;
}

// Room for one more entry: grows at 3/4 full; at the largest size, takes up
// to 15/16 and then refuses (the list is marked incomplete). Only for a new
// address: it may move every entry.
bool room() {
    uint64_t slots = g_mask + 1;
    if ((g_used + 1) * 4 <= slots * 3) return true;
    if (slots < kMaxSlots && rebuild(slots * 2, true)) return true;
    return (g_used + 1) * 16 <= slots * 15;
}

__attribute__((noinline)) void add_after_growing(const Entry& e) {
    if (room())
        place(e);
    else
        g_incomplete = true;
}

// A new entry where `at` (an empty slot) is, or wherever it goes once grown.
__attribute__((always_inline)) inline void add(Entry* at, uint64_t address, uint64_t seq, uint64_t size,
                                                uint32_t stack_id, Kind kind) {
    if (__builtin_expect((g_used + 1) * 4 > (g_mask + 1) * 3, 0)) return add_after_growing({address, seq, size, stack_id, kind});
    at->address = address;
    at->seq = seq;
    at->size = size;
    at->stack_id = stack_id;
    at->kind = kind;
    g_used++;
}

void on_alloc(uint64_t address, uint64_t seq, uint64_t size, uint32_t stack_id) {
    Entry* e = probe(address);
    if (e->address == 0) return add(e, address, seq, size, stack_id, Live);
    if (e->kind == FreedFirst && e->seq > seq) return erase(e);  // freed already: a block gone
    if (e->seq > seq) return;  // an older block of that address, freed by a free not applied yet
    *e = {address, seq, size, stack_id, Live};  // a newer block: the old one's free went unseen
}

void on_free(uint64_t address, uint64_t seq) {
    Entry* e = probe(address);
    if (e->address == 0) return add(e, address, seq, 0, 0, FreedFirst);
    if (e->kind == Live && e->seq < seq) return erase(e);
    if (e->kind == FreedFirst && e->seq < seq) e->seq = seq;
    // Else a Live block newer than this free: the free was of an older one.
}

// A varint the caller knows is whole in the buffer (an event's longest
// encoding fits before `end`): get_varint without its per-byte bounds
// checks, its first bytes unrolled. The events are the shim's own, decoded
// by the million. False past 10 bytes.
inline bool read_varint_unchecked(const uint8_t*& in, uint64_t& value) {
    uint64_t b = *in++;
    if (b < 0x80) return value = b, true;
    uint64_t result = b & 0x7f;
    b = *in++;
    result |= (b & 0x7f) << 7;
    if (b < 0x80) return value = result, true;
    for (int shift = 14; shift < 70; shift += 7) {
        b = *in++;
        result |= (b & 0x7f) << shift;
        if (b < 0x80) return value = result, true;
    }
    return false;
}

// The longest event: a tag and four 10-byte varints.
constexpr long kLongestEvent = 1 + 4 * 10;

inline bool read_varint(const uint8_t*& in, const uint8_t* end, uint64_t& value, bool whole) {
    return whole ? read_varint_unchecked(in, value) : shimlog::get_varint(&in, end, &value);
}

// Reads the events as the analyzer does (alloc_chunk_reader.cpp); a
// malformed tail stops the reading (the shim wrote it: never expected).
void apply_events(const uint8_t* in, const uint8_t* end, uint64_t seq) {
    uint64_t ptr = 0, value = 0;
    while (in < end) {
        bool whole = end - in >= kLongestEvent;  // all but the last few events
        auto tag = static_cast<shimlog::AllocTag>(*in++);
        if (tag == shimlog::AllocTag::Time || tag == shimlog::AllocTag::Thread) {
            if (!read_varint(in, end, value, whole)) return;
            continue;
        }
        if (tag != shimlog::AllocTag::Alloc && tag != shimlog::AllocTag::Free) return;
        if (!read_varint(in, end, value, whole)) return;
        seq += value;
        uint64_t stack = 0, size = 0;
        if (tag == shimlog::AllocTag::Alloc && (!read_varint(in, end, stack, whole) || !read_varint(in, end, size, whole)))
            return;
        if (!read_varint(in, end, value, whole)) return;
        ptr += static_cast<uint64_t>(shimlog::unzigzag(value));
        if (tag == shimlog::AllocTag::Alloc)
            on_alloc(ptr, seq, size, uint32_t(stack));
        else
            on_free(ptr, seq);
    }
}

// One record's entries at a time: written only under the file lock.
shimlog::LiveBlockEntry g_out[shimlog::kLiveBlocksPerRecord];

}  // namespace

void live_blocks_enable() { g_on.store(true, std::memory_order_release); }

bool live_blocks_on() { return g_on.load(std::memory_order_relaxed); }

void live_blocks_apply(const uint8_t* events, uint32_t bytes, uint64_t first_seq) {
    ErrnoKeeper keep;  // the table's mmap
    if (!lock_table()) {
        g_incomplete = true;  // unlocked, but read only by the window's writer
        return;
    }
    if (g_slots != nullptr || rebuild(kFirstSlots, true))
        apply_events(events, events + bytes, first_seq);
    else
        g_incomplete = true;
    unlock_table();
}

void live_blocks_settle() {
    if (!live_blocks_on() || !lock_table()) return;
    if (g_slots != nullptr) rebuild(g_mask + 1, false);
    unlock_table();
}

void live_blocks_note_pause() { g_after_pause = true; }

void live_blocks_note_sampled() { g_incomplete = true; }

void live_blocks_write() {
    if (!live_blocks_on() || !lock_table()) return;
    shimlog::LiveBlocksRecord rec{};
    uint64_t slots = g_slots ? g_mask + 1 : 0;
    for (uint64_t i = 0; i < slots; ++i)
        if (g_slots[i].address != 0 && g_slots[i].kind == Live) rec.total_blocks++, rec.total_bytes += g_slots[i].size;
    rec.flags = (g_after_pause ? uint32_t(shimlog::kLiveBlocksAfterPause) : 0u) |
                (g_incomplete ? uint32_t(shimlog::kLiveBlocksIncomplete) : 0u);
    auto emit = [&rec]() {
        sink_record(shimlog::RecordType::LiveBlocks, {{&rec, sizeof rec}, {g_out, rec.count * sizeof g_out[0]}});
        rec.part++;
        rec.count = 0;
    };
    for (uint64_t i = 0; i < slots; ++i) {
        const Entry& e = g_slots[i];
        if (e.address == 0 || e.kind != Live) continue;
        g_out[rec.count++] = {e.address, e.size, e.stack_id, 0};
        if (rec.count == shimlog::kLiveBlocksPerRecord) emit();
    }
    if (rec.count > 0 || rec.part == 0) emit();
    // A missed event stays missed (a block never listed, or listed after its
    // free): incomplete is for good; a pause is the next list's only.
    g_after_pause = false;
    unlock_table();
}

void live_blocks_after_fork_child() {
    g_table_lock.forget_owner();
    g_on.store(false, std::memory_order_relaxed);
    if (g_slots != nullptr) munmap(g_slots, (g_mask + 1) * sizeof(Entry));
    g_slots = nullptr;
    g_mask = g_used = 0;
}

uint64_t live_blocks_count() {
    uint64_t n = 0;
    for (uint64_t i = 0; g_slots != nullptr && i <= g_mask; ++i) n += g_slots[i].address != 0 && g_slots[i].kind == Live;
    return n;
}

}  // namespace shim
