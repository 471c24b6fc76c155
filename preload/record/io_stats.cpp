#include "io_stats.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <pthread.h>
#include <sys/mman.h>

#include "block_pool.h"
#include "../clock.h"
#include "files.h"
#include "../hooks/interpose.h"
#include "kernel_io.h"
#include "thread_kernel_io.h"
#include "../log/record_sink.h"
#include "stacks.h"

namespace shim {
namespace {

using shimlog::IoSiteRecord;

// Distinct (file, site, syscall) per thread: the table starts with room for
// 256 and doubles at three quarters full, up to 65,536 (~10 MiB); past that
// a call is counted as dropped. (A fixed 256 dropped 88% of tar's reads.)
constexpr uint32_t kFirstSlots = 256;
constexpr uint32_t kMaxSlots = 1u << 16;
constexpr uint32_t kRecentRanges = 4;

// The packed record first, so its 8-byte counters stay 8-byte aligned.
struct IoSlot {
    IoSiteRecord counters;  // identity fields (file_id, site, syscall) plus counters; ticks: see add_timed_call
    uint64_t timed_calls;   // how many of counters.calls were timed
    uint64_t represented;   // the calls the timed ones stand for (each itself and the gap after it)
    uint32_t untimed_left;  // calls to count without timing before the next timed one (io_stats.h)
    // The last few ranges this entry moved, and how many calls moved exactly
    // one of them again: the same header read before every record is a
    // re-read to cache, different small records are not (IoSiteRepeats).
    int64_t recent_start[kRecentRanges];
    uint64_t recent_size[kRecentRanges];
    int64_t recent_max_start;  // the highest start ever noted: a range starting past it is no repeat
    uint32_t recent_next;
    uint64_t repeated;
    bool used;
};

struct IoSlots {
    uint32_t capacity;  // a power of two
    uint32_t in_use;
    IoSlot* slot;
};

// A thread's counters, pooled (block_pool.h). A grown table's earlier arrays
// stay mapped: the log writer may be reading one on another thread.
struct IoTable {
    IoTable* next;               // all tables, for the writer
    std::atomic<bool> in_use;
    IoSlot* last_hit;            // most calls repeat the previous call's slot (null: none yet)
    std::atomic<IoSlots*> slots;  // null until first used; then `first`, then grown ones
    IoSlots first;
    IoSlot first_slots[kFirstSlots];
};

std::atomic<IoTable*> g_tables{nullptr};

IoSlots* slots_of(IoTable& table) {
    IoSlots* slots = table.slots.load(std::memory_order_relaxed);
    if (slots != nullptr) return slots;
    table.first = {kFirstSlots, 0, table.first_slots};
    table.slots.store(&table.first, std::memory_order_release);
    return &table.first;
}

// Every used slot of every table, as the writer sees them now.
template <typename Fn>
void for_each_used_slot(Fn fn) {
    for (IoTable* table = g_tables.load(std::memory_order_acquire); table; table = table->next) {
        IoSlots* slots = table->slots.load(std::memory_order_acquire);
        if (slots == nullptr) continue;
        for (uint32_t i = 0; i < slots->capacity; ++i)
            if (slots->slot[i].used) fn(slots->slot[i]);
    }
}

pthread_key_t g_release_key;
std::atomic<bool> g_key_ready{false};
thread_local IoTable* t_table __attribute__((tls_model("initial-exec"))) = nullptr;

void release_table(void* table) {
    if (t_table == table) t_table = nullptr;
    t_io_hint = {};
    pool_release(static_cast<IoTable*>(table));
}

IoTable* thread_table() {
    if (t_table != nullptr) return t_table;
    ErrnoKeeper keep;
    t_table = pool_acquire(g_tables);
    if (t_table != nullptr && g_key_ready.load(std::memory_order_acquire))
        pthread_setspecific(g_release_key, t_table);
    return t_table;
}

// What a slot counts: one (file, call site, syscall, stdio call behind it).
struct SlotKey {
    uint64_t site;
    uint32_t file_id;
    uint8_t syscall;
    uint8_t caused_by;
};

SlotKey key_of(const IoSiteRecord& c) { return {c.site, c.file_id, c.syscall, c.caused_by}; }

uint32_t key_hash(const SlotKey& k) {
    uint64_t h = (k.site ^ (uint64_t(k.file_id) << 40) ^ (uint64_t(k.syscall) << 56) ^ (uint64_t(k.caused_by) << 48)) *
                 0x9e3779b97f4a7c15ull;
    return static_cast<uint32_t>(h >> 32);
}

bool slot_matches(const IoSlot& slot, const SlotKey& k) {
    return slot.used && slot.counters.site == k.site && slot.counters.file_id == k.file_id &&
           slot.counters.syscall == k.syscall && slot.counters.caused_by == k.caused_by;
}

// Where a key's slot is, or the free slot it would take.
uint32_t probe_for(const IoSlots& slots, const SlotKey& key) {
    uint32_t mask = slots.capacity - 1;
    uint32_t i = key_hash(key) & mask;
    while (slots.slot[i].used && !slot_matches(slots.slot[i], key)) i = (i + 1) & mask;
    return i;
}

// Twice the room, the slots rehashed into it; false when it cannot grow.
bool grow(IoTable& table) {
    IoSlots* old = slots_of(table);
    if (old->capacity >= kMaxSlots) return false;
    uint32_t capacity = old->capacity * 2;
    size_t bytes = sizeof(IoSlots) + 8 + sizeof(IoSlot) * capacity;
    void* mem = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mem == MAP_FAILED) return false;
    auto* grown = static_cast<IoSlots*>(mem);
    grown->capacity = capacity;
    grown->in_use = old->in_use;
    grown->slot = reinterpret_cast<IoSlot*>(static_cast<char*>(mem) + ((sizeof(IoSlots) + 7) & ~size_t(7)));
    for (uint32_t i = 0; i < old->capacity; ++i) {
        const IoSlot& from = old->slot[i];
        if (from.used) grown->slot[probe_for(*grown, key_of(from.counters))] = from;
    }
    table.last_hit = nullptr;
    t_io_hint = {};  // it points into the old array
    table.slots.store(grown, std::memory_order_release);
    return true;
}

// The slot for this key, claiming a free one (and capturing the site's stack)
// on first sight. nullptr when the table is full and cannot grow.
IoSlot* find_slot(IoTable& table, const SlotKey& key) {
    if (table.last_hit != nullptr && slot_matches(*table.last_hit, key)) return table.last_hit;
    IoSlots* slots = slots_of(table);
    uint32_t i = probe_for(*slots, key);
    if (!slots->slot[i].used && (slots->in_use + 1) * 4 > slots->capacity * 3) {
        ErrnoKeeper keep;
        if (grow(table)) {
            slots = slots_of(table);
            i = probe_for(*slots, key);
        } else if (slots->in_use + 1 >= slots->capacity) {
            return nullptr;  // one slot always stays free, so that probing ends
        }
    }
    IoSlot& slot = slots->slot[i];
    table.last_hit = &slot;
    if (slot.used) return &slot;
    memset(&slot.counters, 0, sizeof slot.counters);
    slot.timed_calls = 0;
    slot.represented = 0;
    slot.untimed_left = 0;
    for (uint32_t r = 0; r < kRecentRanges; ++r) slot.recent_start[r] = -1;
    slot.recent_max_start = -1;
    slot.recent_next = 0;
    slot.repeated = 0;
    slot.counters.site = key.site;
    slot.counters.file_id = key.file_id;
    slot.counters.syscall = key.syscall;
    slot.counters.caused_by = key.caused_by;
    ErrnoKeeper keep;  // the unwinder's own calls
    slot.counters.stack_id = capture_site_stack(key.site);
    slot.used = true;
    slots->in_use++;
    return &slot;
}

inline __attribute__((always_inline)) void add_call(IoSiteRecord& c, ssize_t result, uint64_t requested,
                                                    FileAccess access) {
    c.calls++;
    c.bytes_requested += requested;
    if (result < 0) {
        c.errors++;
        return;
    }
    uint64_t done = static_cast<uint64_t>(result);
    c.bytes_done += done;
    if (done == 0 && requested > 0) c.eof++;
    c.histogram[shimlog::size_bucket(done)]++;
    if (access.sequential) c.sequential++;
    if (access.consecutive) c.consecutive++;
}

// A call that moved bytes at a known offset: a repeat when it moved exactly
// a range among the entry's last few, else that range joins them.
inline __attribute__((always_inline)) void note_range(IoSlot& slot, int64_t start, ssize_t result) {
    if (start < 0 || result <= 0) return;
    uint64_t size = static_cast<uint64_t>(result);
    if (start <= slot.recent_max_start) {  // else (reading on, the usual case) no range of the last few starts here
        for (uint32_t r = 0; r < kRecentRanges; ++r)
            if (slot.recent_start[r] == start && slot.recent_size[r] == size) {
                slot.repeated++;
                return;
            }
    } else {
        slot.recent_max_start = start;
    }
    uint32_t r = slot.recent_next++ % kRecentRanges;
    slot.recent_start[r] = start;
    slot.recent_size[r] = size;
}

// ---- the timing sample (io_stats.h) ----
constexpr uint64_t kTimedFirst = 64;           // an entry's first calls are all timed
constexpr uint64_t kMaxMeanGap = 128;          // then about one in (gap + 1), gap growing to this
constexpr uint64_t kSlowCallTicks = 1u << 16;  // ~20 us: calls this slow on average are all timed

__thread uint32_t t_gap_random __attribute__((tls_model("initial-exec"))) = 0;

// A random gap, so that no call pattern of a period can line up with the
// sample: uniform in [0, 2 x mean).
uint32_t random_gap(uint64_t mean) {
    uint32_t x = t_gap_random;
    if (x == 0) x = static_cast<uint32_t>(now_ticks()) | 1;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    t_gap_random = x;
    return static_cast<uint32_t>(x % (2 * mean));
}

// A timed call stands for itself and the untimed calls of the gap drawn
// after it: counters.ticks sums ticks x (1 + gap), so that a stretch of the
// run weighs by its calls, not by how densely it was timed (early calls are
// all timed). A call over kOutlier x the mean so far (the thread descheduled,
// a disk access) stands for itself only, and the next call is timed too, so
// a stretch of slow calls is timed whole: one such call weighed by its gap
// made the estimate swing by seconds on a busy machine (55% to 182% of a run
// whose calls, all timed, took 92%). Lone slow calls between timed ones are
// then missed: a sample can only tell the usual cost.
constexpr uint64_t kOutlier = 16;

void add_timed_call(IoSlot& slot, uint64_t ticks) {
    IoSiteRecord& c = slot.counters;
    if (ticks > c.max_ticks) c.max_ticks = ticks;
    uint64_t timed = ++slot.timed_calls;
    uint32_t gap = 0;
    bool usual = static_cast<unsigned __int128>(ticks) * slot.represented <=
                 static_cast<unsigned __int128>(kOutlier) * c.ticks;
    if (timed >= kTimedFirst && usual && c.ticks + ticks < (slot.represented + 1) * kSlowCallTicks) {
        uint64_t mean = timed / kTimedFirst;
        gap = random_gap(mean < kMaxMeanGap ? mean : kMaxMeanGap);
    }
    c.ticks += ticks * (1 + uint64_t(gap));
    slot.represented += 1 + uint64_t(gap);
    slot.untimed_left = gap;
}

// The slot's counters as the log gets them: the weighted time scaled to the
// calls made (the last gap may not be over; a call the hint missed was
// neither timed nor stood for).
IoSiteRecord estimated(const IoSlot& slot) {
    IoSiteRecord c = slot.counters;
    if (slot.represented > 0 && slot.represented != c.calls) {
        // In double: a 128-bit division would need libgcc_s (__udivti3), whose
        // loading costs every process ~0.15 ms. An estimate needs no more precision.
        double scaled = double(c.ticks) * (double(c.calls) / double(slot.represented));
        c.ticks = scaled >= 1.8e19 ? UINT64_MAX : static_cast<uint64_t>(scaled);
    }
    return c;
}

// ---- merging the tables for the log ----
// At most this many distinct entries are merged; the table is sized to twice
// the entries in use (a power of two), not to this, since a snapshot is taken
// at every checkpoint and at exit, and faulting in a table of the maximum
// size was a third of a small program's whole cost under the shim.
constexpr uint32_t kMaxMergedSlots = 1 << 20;

void merge_into(IoSlot* merged, uint32_t slots, const IoSlot& source) {
    IoSiteRecord from = estimated(source);
    uint32_t start = key_hash(key_of(from)) % slots;
    for (uint32_t probe = 0; probe < slots; ++probe) {
        IoSlot& slot = merged[(start + probe) % slots];
        if (!slot.used) {
            slot.used = true;
            slot.counters = from;
            slot.timed_calls = source.timed_calls;
            slot.repeated = source.repeated;
            return;
        }
        if (!slot_matches(slot, key_of(from))) continue;
        IoSiteRecord& to = slot.counters;
        if (to.stack_id == 0) to.stack_id = from.stack_id;
        if (from.buffering != 0) to.buffering = from.buffering, to.buffer_size = from.buffer_size;
        to.calls += from.calls;
        to.errors += from.errors;
        to.eof += from.eof;
        to.bytes_requested += from.bytes_requested;
        to.bytes_done += from.bytes_done;
        to.sequential += from.sequential;
        to.consecutive += from.consecutive;
        to.ticks += from.ticks;
        slot.timed_calls += source.timed_calls;
        slot.repeated += source.repeated;
        if (from.max_ticks > to.max_ticks) to.max_ticks = from.max_ticks;
        for (unsigned b = 0; b < shimlog::kSizeBuckets; ++b) to.histogram[b] += from.histogram[b];
        return;
    }
    count_dropped();
}

// Counts one call; returns its slot (nullptr: dropped).
IoSlot* record_call(int fd, shimlog::Syscall syscall, uint64_t requested, int64_t offset, uint64_t site,
                    ssize_t result, const StreamState* stream = nullptr) {
    ReentryGuard guard;  // fstat, readlink and the unwinder below are ours
    FileAccess access = file_access(fd, offset, result);
    IoTable* table = thread_table();
    SlotKey key{site, access.file_id, static_cast<uint8_t>(syscall), stream ? stream->caused_by : uint8_t(0)};
    IoSlot* slot = table ? find_slot(*table, key) : nullptr;
    if (slot == nullptr) {
        count_dropped();
        return nullptr;
    }
    add_call(slot->counters, result, requested, access);
    note_range(*slot, access.start, result);
    if (stream != nullptr) {  // as the stream is now: a program may setvbuf between calls
        slot->counters.buffering = stream->buffering;
        slot->counters.buffer_size = stream->buffer_size;
    }
    return slot;
}

// Calls not timed, so the checkpoint clock is read every so many instead.
__thread uint32_t t_untimed_calls __attribute__((tls_model("initial-exec"))) = 0;

}  // namespace

__thread IoTimingHint t_io_hint __attribute__((tls_model("initial-exec"))) = {};

void IoCall::finish(ssize_t result) {
    if (!active_) {  // the shim's own call (kernel_io.h), or not recording (recording.h)
        if (t_guard_depth != 0 && !shimlog::is_stdio(syscall_))
            kernel_io_count_own(shimlog::is_write(syscall_), result);
        return;
    }
    kernel_io_count_hooked(syscall_, result);  // per thread (thread_kernel_io.h)
    if (!timed_ && count_again(result)) {
        if ((++t_untimed_calls & 255) == 0) log_checkpoint(now_ticks());
        return;
    }
    uint64_t now = timed_ ? now_ticks() : 0;
    // errno is the program's: only the rare paths below make calls that set
    // it, and they put it back (ErrnoKeeper).
    IoSlot* slot = record_call(fd_, syscall_, requested_, offset_, site_, result,
                               stream_.buffering != 0 ? &stream_ : nullptr);
    if (slot != nullptr) {
        if (timed_)
            add_timed_call(*slot, now - start_ticks_);
        else if (slot->untimed_left > 0)
            slot->untimed_left--;
        t_io_hint = {site_, &slot->untimed_left, slot, fd_, static_cast<uint8_t>(syscall_)};
    }
    if (timed_)
        log_checkpoint(now);
    else if ((++t_untimed_calls & 255) == 0)
        log_checkpoint(now_ticks());
}

namespace {

// The fast lane (most calls of a program reading in a loop): an untimed call
// is at the site, descriptor and syscall of this thread's previous one
// (io_call_timed), so it counts in that call's slot when the descriptor is
// still the same file and no stdio stream made it. Counts exactly as
// record_call does; false, with nothing counted, when it cannot tell.
inline __attribute__((always_inline)) bool count_again(int fd, shimlog::Syscall syscall, uint64_t site,
                                                      uint64_t requested, int64_t offset, ssize_t result) {
    auto* slot = static_cast<IoSlot*>(t_io_hint.slot);
    if (result < 0 || slot == nullptr || slot->untimed_left == 0 || slot->counters.site != site ||
        slot->counters.syscall != static_cast<uint8_t>(syscall) || slot->counters.caused_by != 0)
        return false;  // a signal handler's I/O may have moved the hint since the call began
    ReentryGuard guard;  // a handler landing now counts its I/O as ours, never in this slot half-updated
    FileAccess access;
    if (!file_access_known(fd, slot->counters.file_id, offset, result, &access)) return false;
    add_call(slot->counters, result, requested, access);
    note_range(*slot, access.start, result);
    slot->untimed_left--;
    return true;
}

}  // namespace

bool IoCall::count_again(ssize_t result) {
    return stream_.buffering == 0 && shim::count_again(fd_, syscall_, site_, requested_, offset_, result);
}

namespace {

// io_count_untimed's way when the fast lane cannot tell: as IoCall::finish.
__attribute__((noinline, cold)) void count_untimed_slowly(int fd, shimlog::Syscall syscall, uint64_t site,
                                                          uint64_t requested, int64_t offset, ssize_t result) {
    IoSlot* slot = record_call(fd, syscall, requested, offset, site, result);
    if (slot != nullptr) {
        if (slot->untimed_left > 0) slot->untimed_left--;
        t_io_hint = {site, &slot->untimed_left, slot, fd, static_cast<uint8_t>(syscall)};
    }
}

}  // namespace

ssize_t io_count_untimed(int fd, shimlog::Syscall syscall, uint64_t site, uint64_t requested, int64_t offset,
                         ssize_t result) {
    if (__builtin_expect(!count_again(fd, syscall, site, requested, offset, result), 0))
        count_untimed_slowly(fd, syscall, site, requested, offset, result);
    if (__builtin_expect((++t_untimed_calls & 255) == 0, 0)) log_checkpoint(now_ticks());
    return result;
}

void StdioCall::finish(ssize_t result) {
    if (!active_) return;
    t_stdio_cause = outer_;
    record_call(fd_, syscall_, requested_, -1, site_, result);
    if ((++t_untimed_calls & 255) == 0) log_checkpoint(now_ticks());
}

void io_record_destination(int fd, shimlog::Syscall syscall, int64_t offset, ssize_t result, void* site) {
    if (t_guard_depth != 0 || !recording()) return;
    kernel_io_count_hooked(syscall, result);
    ErrnoKeeper keep;
    record_call(fd, syscall, result > 0 ? static_cast<uint64_t>(result) : 0, offset,
                reinterpret_cast<uint64_t>(site), result);
}

void io_write_snapshot() {
    uint64_t in_use = 0;
    for_each_used_slot([&](const IoSlot& slot) { in_use += slot.counters.calls > 0; });
    if (in_use == 0) return;
    uint32_t slots = 64;
    while (slots < 2 * in_use && slots < kMaxMergedSlots) slots *= 2;
    size_t bytes = sizeof(IoSlot) * slots;
    void* mem = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) return;
    auto* merged = static_cast<IoSlot*>(mem);
    for_each_used_slot([&](const IoSlot& slot) {
        if (slot.counters.calls > 0) merge_into(merged, slots, slot);
    });
    for (uint32_t i = 0; i < slots; ++i) {
        if (!merged[i].used) continue;
        shimlog::IoSiteTiming timing{merged[i].timed_calls};
        shimlog::IoSiteRepeats repeats{merged[i].repeated};
        sink_record(shimlog::RecordType::IoSite, {{&merged[i].counters, sizeof(IoSiteRecord)},
                                                  {&timing, sizeof timing},
                                                  {&repeats, sizeof repeats}});
    }
    munmap(mem, bytes);
}

uint64_t io_calls_recorded() {
    uint64_t calls = 0;
    for_each_used_slot([&](const IoSlot& slot) { calls += slot.counters.calls; });
    return calls;
}

void io_reset_counters() {
    for_each_used_slot([](IoSlot& slot) {
        uint64_t site = slot.counters.site;
        uint32_t file_id = slot.counters.file_id, stack_id = slot.counters.stack_id;
        uint8_t syscall = slot.counters.syscall, caused_by = slot.counters.caused_by;
        memset(&slot.counters, 0, sizeof slot.counters);
        slot.counters.site = site;
        slot.counters.file_id = file_id;
        slot.counters.stack_id = stack_id;
        slot.counters.syscall = syscall;
        slot.counters.caused_by = caused_by;
        slot.timed_calls = 0;
        slot.represented = 0;
        slot.untimed_left = 0;
        slot.repeated = 0;
    });
}

void io_after_fork_child() {
    io_reset_counters();
    // Only the forking thread exists in the child.
    for (IoTable* table = g_tables.load(std::memory_order_acquire); table; table = table->next)
        if (table != t_table) table->in_use.store(false, std::memory_order_relaxed);
}

void io_init() {
    if (pthread_key_create(&g_release_key, release_table) == 0)
        g_key_ready.store(true, std::memory_order_release);
}

}  // namespace shim
