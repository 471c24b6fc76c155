#include "passing_records.h"

#include <atomic>
#include <cstring>
#include <sched.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../map_once.h"

namespace shim {
namespace {

using shimlog::RecordHeader;

// Writers fill the current half; a flush (about once a second) switches them
// to the other half, waits for those still writing in the old one, writes it
// out and empties it. Each half is reserved once, touched only as used.
constexpr size_t kHalfBytes = size_t(16) << 20;  // ~190,000 thread records between two flushes
// A half this full asks for the next checkpoint at once (the sampler's next
// tick, or the next hooked call) instead of within the second: the memory
// held stays about this, however fast threads come and go.
constexpr size_t kFlushSoonBytes = size_t(512) << 10;
// An emptied half is zeroed and its pages kept for the next round, up to this
// much; past it (a burst before a flush) they go back to the kernel. Zeroing
// 512 KiB costs ~15 us, faulting its 128 pages in again ~0.3 ms on this VM.
constexpr size_t kReleaseBytes = size_t(2) << 20;
constexpr int kMaxSpins = 100000;

struct Half {
    std::atomic<char*> base{nullptr};
    std::atomic<size_t> used{0};
    std::atomic<int> writers{0};
    size_t flushed = 0;  // owned by the flusher
};
Half g_halves[2];
std::atomic<int> g_current{0};
std::atomic<bool> g_fork_pending{false};

char* base_of(Half& half) { return map_once(half.base, kHalfBytes); }

// Joins the current half's writers. The second look at g_current pairs with
// the flusher's switch-then-count (both sequentially consistent): either
// this writer sees the switch and moves on, or the flusher sees it writing.
Half& enter() {
    for (int spin = 0;; ++spin) {
        int index = g_current.load(std::memory_order_seq_cst);
        Half& half = g_halves[index];
        half.writers.fetch_add(1, std::memory_order_seq_cst);
        bool moved = g_current.load(std::memory_order_seq_cst) != index;
        bool forking = g_fork_pending.load(std::memory_order_seq_cst) && spin < kMaxSpins;
        if (!moved && !forking) return half;
        half.writers.fetch_sub(1, std::memory_order_release);
        if (forking) sched_yield();
    }
}

void wait_for_writers(const Half& half) {
    for (int spin = 0; half.writers.load(std::memory_order_seq_cst) != 0 && spin < kMaxSpins; ++spin) sched_yield();
}

// Back to empty. Released pages come back zeroed; kept ones are zeroed here,
// since a record counts as complete once its type is set.
void empty(Half& half, size_t used) {
    char* base = half.base.load(std::memory_order_relaxed);
    if (base != nullptr && used > 0) {
        if (used >= kReleaseBytes) {
            size_t page = size_t(sysconf(_SC_PAGESIZE));
            madvise(base, (used + page - 1) / page * page, MADV_DONTNEED);
        } else {
            memset(base, 0, used);
        }
    }
    half.flushed = 0;
    half.used.store(0, std::memory_order_release);
}

// Writes out a half that writers have been switched away from, and empties it.
void write_half(Half& half, void (*out)(const void* data, size_t size)) {
    // The writers left finish within a few instructions, unless one of them is
    // this very thread, interrupted by the signal handler now flushing.
    wait_for_writers(half);
    bool all_done = half.writers.load(std::memory_order_seq_cst) == 0;
    size_t used = half.used.load(std::memory_order_acquire);
    size_t end = used < kHalfBytes ? used : kHalfBytes;  // reservations past the end were refused
    char* base = half.base.load(std::memory_order_acquire);
    size_t pos = half.flushed;
    while (base != nullptr && pos + sizeof(RecordHeader) <= end) {
        auto* header = reinterpret_cast<RecordHeader*>(base + pos);
        if (__atomic_load_n(&header->type, __ATOMIC_ACQUIRE) == 0) break;  // still being written
        size_t size = sizeof(RecordHeader) + header->size;
        out(base + pos, size);
        pos += size;
    }
    half.flushed = pos;
    if (all_done) empty(half, end);  // else the rest goes out on a later flush
}

}  // namespace

void passing_record(shimlog::RecordType type, std::initializer_list<Bytes> parts) {
    size_t payload = record_payload_size(parts);
    size_t size = sizeof(RecordHeader) + payload;
    Half& half = enter();
    char* base = base_of(half);
    size_t pos = base == nullptr || payload > shimlog::kMaxRecordSize
                     ? kHalfBytes
                     : half.used.fetch_add(size, std::memory_order_acq_rel);
    if (pos + size <= kHalfBytes) {
        fill_record(base + pos, type, payload, parts);
        if (pos < kFlushSoonBytes && pos + size >= kFlushSoonBytes) log_checkpoint_soon();
    } else {
        count_dropped();
    }
    half.writers.fetch_sub(1, std::memory_order_release);
}

void passing_write_out(void (*out)(const void* data, size_t size)) {
    int index = g_current.load(std::memory_order_seq_cst);
    // What an interrupted flush left in the other half is older: first.
    Half& other = g_halves[1 - index];
    if (other.used.load(std::memory_order_acquire) != 0) write_half(other, out);
    Half& current = g_halves[index];
    if (current.used.load(std::memory_order_acquire) == 0) return;
    g_current.store(1 - index, std::memory_order_seq_cst);
    write_half(current, out);
}

void passing_before_fork() {
    g_fork_pending.store(true, std::memory_order_seq_cst);
    for (Half& half : g_halves) wait_for_writers(half);
}

void passing_after_fork_parent() { g_fork_pending.store(false, std::memory_order_release); }

void passing_after_fork_child() {
    for (Half& half : g_halves) {
        half.writers.store(0);
        size_t used = half.used.load();
        empty(half, used < kHalfBytes ? used : kHalfBytes);
    }
    g_fork_pending.store(false);
}

}  // namespace shim
