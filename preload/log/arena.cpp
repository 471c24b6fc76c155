// The record arena. See arena.h and record_sink.h.
#include "arena.h"

#include <cstring>
#include <sched.h>

#include "../map_once.h"
#include "record_sink.h"

namespace shim {

std::atomic<uint64_t> g_dropped{0};

namespace {

using shimlog::RecordHeader;
using shimlog::RecordType;

// ---- arena: records made at run time, kept until a flush writes them ----
// Reserved once, touched only as used (MAP_NORESERVE).
constexpr size_t kArenaBytes = size_t(256) << 20;
std::atomic<char*> g_arena{nullptr};
std::atomic<size_t> g_arena_used{0};
size_t g_arena_flushed = 0;  // owned by the flusher

// fork() must not copy a half-written arena record into the child, where the
// thread writing it no longer exists and the record would stay unfinished:
// the fork waits for arena writers to finish, and new ones wait for the fork.
std::atomic<int> g_arena_writers{0};
std::atomic<bool> g_fork_pending{false};

class ArenaWriter {
public:
    ArenaWriter() {
        for (int spin = 0;; ++spin) {
            g_arena_writers.fetch_add(1, std::memory_order_acq_rel);
            if (!g_fork_pending.load(std::memory_order_acquire) || spin > 100000) return;
            g_arena_writers.fetch_sub(1, std::memory_order_acq_rel);
            while (g_fork_pending.load(std::memory_order_acquire) && spin++ < 100000) sched_yield();
        }
    }
    ~ArenaWriter() { g_arena_writers.fetch_sub(1, std::memory_order_release); }
    ArenaWriter(const ArenaWriter&) = delete;
    ArenaWriter& operator=(const ArenaWriter&) = delete;
};

char* arena_base() { return map_once(g_arena, kArenaBytes); }

}  // namespace

size_t record_payload_size(std::initializer_list<Bytes> parts) {
    size_t n = 0;
    for (const Bytes& part : parts) n += part.size;
    return n;
}

void fill_record(char* at, RecordType type, size_t payload, std::initializer_list<Bytes> parts) {
    auto* header = reinterpret_cast<RecordHeader*>(at);
    header->reserved = 0;
    header->size = static_cast<uint32_t>(payload);
    char* out = at + sizeof(RecordHeader);
    for (const Bytes& part : parts) {
        memcpy(out, part.data, part.size);
        out += part.size;
    }
    __atomic_store_n(&header->type, static_cast<uint16_t>(type), __ATOMIC_RELEASE);
}

void* arena_record(RecordType type, std::initializer_list<Bytes> parts) {
    ArenaWriter writer;
    char* base = arena_base();
    size_t payload = record_payload_size(parts);
    size_t size = sizeof(RecordHeader) + payload;
    if (base == nullptr || payload > shimlog::kMaxRecordSize) {
        count_dropped();
        return nullptr;
    }
    size_t pos = g_arena_used.fetch_add(size, std::memory_order_acq_rel);
    if (pos + size > kArenaBytes) {
        count_dropped();
        return nullptr;  // the flusher stops at the unset type; nothing after it is lost to order
    }
    fill_record(base + pos, type, payload, parts);
    return base + pos + sizeof(RecordHeader);
}

void arena_write_out(void (*out)(const void* data, size_t size)) {
    char* base = g_arena.load(std::memory_order_acquire);
    if (base == nullptr) return;
    size_t end = g_arena_used.load(std::memory_order_acquire);
    if (end > kArenaBytes) end = kArenaBytes;  // reservations past the end were refused
    size_t pos = g_arena_flushed;
    while (pos + sizeof(RecordHeader) <= end) {
        auto* header = reinterpret_cast<RecordHeader*>(base + pos);
        uint16_t type = __atomic_load_n(&header->type, __ATOMIC_ACQUIRE);
        if (type == 0) break;  // still being filled by another thread
        size_t size = sizeof(RecordHeader) + header->size;
        out(base + pos, size);
        pos += size;
    }
    g_arena_flushed = pos;
}

void arena_hold_writers() { g_fork_pending.store(true, std::memory_order_release); }

void arena_wait_for_writers() {
    for (int spin = 0; g_arena_writers.load(std::memory_order_acquire) != 0 && spin < 100000; ++spin) sched_yield();
}

void arena_release_writers() { g_fork_pending.store(false, std::memory_order_release); }

void arena_after_fork_child() {
    g_arena_writers.store(0);
    g_fork_pending.store(false);
    g_arena_flushed = 0;
}

void arena_write_all_again() { g_arena_flushed = 0; }

void count_dropped() { g_dropped.fetch_add(1, std::memory_order_relaxed); }

}  // namespace shim
