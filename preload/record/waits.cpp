#include "waits.h"

#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>

#include <cstring>

#include "../clock.h"
#include "../hooks/interpose.h"
#include "../log/record_sink.h"
#include "../settings.h"
#include "alloc_stacks.h"
#include "block_pool.h"

namespace shim {

using shimlog::WaitKind;

std::atomic<int> g_waits_on{-1};

bool waits_read_setting() {
    bool on = setting_waits();
    g_waits_on.store(on ? 1 : 0, std::memory_order_relaxed);
    return on;
}

namespace {

constexpr uint32_t kSiteSlots = 8192;    // (object, kind, wait stack)
constexpr uint32_t kHolderSlots = 8192;  // (mutex, release stack)
constexpr uint32_t kMutexSlots = 4096;   // mutexes that had a contended wait or release
constexpr uint32_t kProbes = 64;
constexpr uint32_t kRingEvents = 4096;   // a thread's waits between two drains (~1 s apart)
constexpr uint32_t kEventsPerChunk = 256;

inline uint64_t mix(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return x;
}

// ---- exact totals ----

// A slot of an open-addressed table claimed once for its key, never freed:
// state 0 empty, 1 being filled, 2 ready.
struct KeyedSlot {
    std::atomic<uint32_t> state;
    uint32_t stack;
    uint64_t object;
    uint8_t kind;
};

struct SiteSlot : KeyedSlot {
    std::atomic<uint64_t> waits, timeouts, ticks, max_ticks;
    std::atomic<uint32_t> threads;
};

struct HolderSlot : KeyedSlot {
    std::atomic<uint64_t> releases, delay_ticks, timed_holds, hold_ticks, max_hold_ticks;
};

SiteSlot g_sites[kSiteSlots];
HolderSlot g_holders[kHolderSlots];
std::atomic<uint32_t> g_sites_claimed{0};
// Set before a table's first claim: the tables are 1.3 MiB of zero pages
// until then, and a program that never waits must not have them read or
// written at each checkpoint, at its exit and in every forked child (256
// page faults a process, a third of what the shim cost /bin/true).
std::atomic<bool> g_sites_touched{false}, g_holders_touched{false}, g_mutexes_touched{false};

// Joins are keyed by the joined thread, a new key per thread: a program that
// starts threads by the ten thousand would fill the table with them and leave
// no room for its locks. Past half the table, joins share the key "object 0"
// (format/log_format.h), their totals still exact per wait site.
constexpr uint32_t kJoinSiteRoom = kSiteSlots / 2;

// The slot's index for the key, claiming one if new; -1 when the probes all
// hold other keys (the wait is then counted as dropped).
// `claimed`, when given, counts the slots claimed.
template <typename Slot>
int64_t find_slot(Slot* table, uint32_t size, std::atomic<bool>& touched, uint64_t object, uint8_t kind,
                  uint32_t stack, std::atomic<uint32_t>* claimed = nullptr) {
    uint64_t h = mix(object ^ (uint64_t{stack} << 32) ^ (uint64_t{kind} << 56));
    for (uint32_t probe = 0; probe < kProbes; ++probe) {
        uint32_t i = static_cast<uint32_t>((h + probe) % size);
        Slot& slot = table[i];
        uint32_t state = slot.state.load(std::memory_order_acquire);
        if (state == 0) {
            touched.store(true, std::memory_order_relaxed);
            if (slot.state.compare_exchange_strong(state, 1, std::memory_order_acq_rel)) {
                if (claimed != nullptr) claimed->fetch_add(1, std::memory_order_relaxed);
                slot.object = object;
                slot.kind = kind;
                slot.stack = stack;
                slot.state.store(2, std::memory_order_release);
                return i;
            }
        }
        while (state == 1) state = slot.state.load(std::memory_order_acquire);  // filled in a few stores
        if (slot.object == object && slot.kind == kind && slot.stack == stack) return i;
    }
    return -1;
}

void raise_max(std::atomic<uint64_t>& max, uint64_t value) {
    uint64_t seen = max.load(std::memory_order_relaxed);
    while (value > seen && !max.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
    }
}

// ---- per mutex: the last release that had waiters, and the timed holder ----
// Written by the mutex's owner only (before its unlock, after its lock), so
// the program's own mutex orders these accesses; atomics only to say so.
struct MutexSlot {
    std::atomic<uint64_t> object;  // 0: empty
    std::atomic<uint64_t> release_ticks;  // 0: none pending (a waiter consumed it)
    std::atomic<uint64_t> release_hold;   // its hold time, when timed
    std::atomic<uint32_t> release_stack;
    std::atomic<bool> release_timed;
    std::atomic<uint64_t> acquired_ticks;  // the holder's acquisition after a wait
    std::atomic<uint32_t> holder_tid;
};
MutexSlot g_mutexes[kMutexSlots];

// The mutex's slot; claimed if new and `claim`, else nullptr when it has none.
MutexSlot* mutex_slot(uint64_t object, bool claim = true) {
    uint64_t h = mix(object);
    for (uint32_t probe = 0; probe < kProbes; ++probe) {
        MutexSlot& slot = g_mutexes[(h + probe) % kMutexSlots];
        uint64_t seen = slot.object.load(std::memory_order_acquire);
        if (seen == object) return &slot;
        if (seen == 0 && !claim) return nullptr;  // slots are never freed: it would be here
        if (seen == 0) g_mutexes_touched.store(true, std::memory_order_relaxed);
        if (seen == 0 && slot.object.compare_exchange_strong(seen, object, std::memory_order_acq_rel)) return &slot;
        if (seen == object) return &slot;
    }
    return nullptr;
}

// ---- per thread: the ring of waits and what is needed to take stacks ----
struct RingEvent {
    uint64_t start;
    uint64_t length;
    uint64_t object;
    uint32_t stack;
    uint8_t kind;
    uint8_t flags;
};

struct ThreadWaits {
    ThreadWaits* next;
    std::atomic<bool> in_use;
    std::atomic<bool> draining;
    std::atomic<uint32_t> head;  // written by the owning thread
    std::atomic<uint32_t> tail;  // written by whoever drains
    std::atomic<uint32_t> dropped;
    uint32_t tid;
    AllocStacks* memo;
    uint64_t sites_seen[kSiteSlots / 64];  // sites this thread counted itself at
    RingEvent events[kRingEvents];
};

std::atomic<ThreadWaits*> g_blocks{nullptr};
__thread ThreadWaits* t_waits __attribute__((tls_model("initial-exec"))) = nullptr;
pthread_key_t g_end_key;
std::atomic<bool> g_key_ready{false};

ThreadWaits* this_thread() {
    if (__builtin_expect(t_waits != nullptr, 1)) return t_waits;
    ThreadWaits* block = pool_acquire(g_blocks);
    if (block == nullptr) return nullptr;
    block->tid = thread_id();
    block->memo = alloc_stacks_acquire();
    block->dropped.store(0, std::memory_order_relaxed);
    memset(block->sites_seen, 0, sizeof block->sites_seen);
    t_waits = block;
    if (g_key_ready.load(std::memory_order_acquire)) pthread_setspecific(g_end_key, block);
    return block;
}

uint32_t stack_of(ThreadWaits* self, CallSite site) {
    return alloc_stack_id(self ? self->memo : nullptr, site.return_address, site.caller_sp);
}

uint8_t* encode(uint8_t* out, const RingEvent& e, uint64_t previous_start) {
    out = shimlog::put_varint(out, e.start >= previous_start ? e.start - previous_start : 0);
    out = shimlog::put_varint(out, e.length);
    out = shimlog::put_varint(out, e.stack);
    out = shimlog::put_varint(out, e.object);
    *out++ = e.kind;
    *out++ = e.flags;
    return out;
}

// Writes the ring's waits in chunks of kEventsPerChunk. One drainer per ring.
void drain(ThreadWaits& block, bool wait) {
    bool idle = false;
    while (!block.draining.compare_exchange_strong(idle, true, std::memory_order_acquire)) {
        if (!wait) return;
        idle = false;
        sched_yield();
    }
    uint8_t buffer[kEventsPerChunk * 40];  // an event: 3 varints of 64 bits (10 bytes), a stack id (5), 2 bytes
    uint32_t tail = block.tail.load(std::memory_order_relaxed);
    uint32_t head = block.head.load(std::memory_order_acquire);
    uint32_t dropped = block.dropped.exchange(0, std::memory_order_relaxed);
    while (tail != head || dropped != 0) {
        uint32_t count = 0;
        uint8_t* out = buffer;
        uint64_t first = tail != head ? block.events[tail % kRingEvents].start : now_ticks();
        uint64_t previous = first;
        while (tail != head && count < kEventsPerChunk) {
            const RingEvent& e = block.events[tail % kRingEvents];
            out = encode(out, e, previous);
            previous = e.start;
            ++tail;
            ++count;
        }
        shimlog::WaitChunkRecord chunk{block.tid, count, first, static_cast<uint32_t>(out - buffer), dropped};
        log_write_record(shimlog::RecordType::WaitChunk, {{&chunk, sizeof chunk}, {buffer, chunk.raw_size}});
        block.tail.store(tail, std::memory_order_release);
        dropped = 0;
    }
    block.draining.store(false, std::memory_order_release);
}

void push(ThreadWaits& self, const RingEvent& event) {
    uint32_t head = self.head.load(std::memory_order_relaxed);
    uint32_t used = head - self.tail.load(std::memory_order_acquire);
    if (used >= kRingEvents) {
        self.dropped.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    self.events[head % kRingEvents] = event;
    self.head.store(head + 1, std::memory_order_release);
    if (used + 1 >= kRingEvents / 4 * 3) drain(self, false);
}

// The key's destructor: an ending thread's waits are written before its ring
// goes to another thread.
void thread_finished(void* raw) {
    auto* block = static_cast<ThreadWaits*>(raw);
    ReentryGuard guard;
    ErrnoKeeper keep;
    drain(*block, true);
    alloc_stacks_release(block->memo);
    block->memo = nullptr;
    t_waits = nullptr;
    pool_release(block);
}

void count_thread_at(ThreadWaits* self, uint32_t index, SiteSlot& slot) {
    if (self == nullptr) return;  // no ring: counted as no thread rather than guessed
    uint64_t bit = uint64_t{1} << (index % 64);
    if (self->sites_seen[index / 64] & bit) return;
    self->sites_seen[index / 64] |= bit;
    uint32_t n = slot.threads.load(std::memory_order_relaxed);
    while (n != UINT32_MAX && !slot.threads.compare_exchange_weak(n, n + 1, std::memory_order_relaxed)) {
    }
}

}  // namespace

void waits_record(uint64_t object, WaitKind kind, uint64_t start, uint64_t end, bool timed_out, CallSite site) {
    ReentryGuard guard;
    ErrnoKeeper keep;
    ThreadWaits* self = this_thread();
    uint32_t stack = stack_of(self, site);
    uint64_t ticks = end > start ? end - start : 0;
    uint64_t key = kind == WaitKind::Join && g_sites_claimed.load(std::memory_order_relaxed) >= kJoinSiteRoom ? 0 : object;
    int64_t index = find_slot(g_sites, kSiteSlots, g_sites_touched, key, static_cast<uint8_t>(kind), stack, &g_sites_claimed);
    if (index < 0) {
        count_dropped();
    } else {
        SiteSlot& slot = g_sites[index];
        slot.waits.fetch_add(1, std::memory_order_relaxed);
        if (timed_out) slot.timeouts.fetch_add(1, std::memory_order_relaxed);
        slot.ticks.fetch_add(ticks, std::memory_order_relaxed);
        raise_max(slot.max_ticks, ticks);
        count_thread_at(self, static_cast<uint32_t>(index), slot);
    }
    if (self != nullptr)
        push(*self, RingEvent{start, ticks, object, stack, static_cast<uint8_t>(kind),
                              static_cast<uint8_t>(timed_out ? shimlog::WaitTimedOut : 0)});
    log_checkpoint(end);
}

void waits_mutex_acquired(uint64_t object, uint64_t start, uint64_t end) {
    // A handler that lands while a holder slot is being claimed here must not
    // record (it would wait on that claim for ever): the guard keeps it out.
    ReentryGuard guard;
    ErrnoKeeper keep;
    MutexSlot* slot = mutex_slot(object);
    if (slot == nullptr) {
        count_dropped();
        return;
    }
    uint64_t released = slot->release_ticks.load(std::memory_order_relaxed);
    if (released != 0 && released >= start) {  // a hooked release during this wait let us in
        slot->release_ticks.store(0, std::memory_order_relaxed);
        uint32_t stack = slot->release_stack.load(std::memory_order_relaxed);
        int64_t index = find_slot(g_holders, kHolderSlots, g_holders_touched, object, 0, stack);
        if (index < 0) {
            count_dropped();
        } else {
            HolderSlot& h = g_holders[index];
            h.releases.fetch_add(1, std::memory_order_relaxed);
            h.delay_ticks.fetch_add(end > start ? end - start : 0, std::memory_order_relaxed);
            if (slot->release_timed.load(std::memory_order_relaxed)) {
                uint64_t hold = slot->release_hold.load(std::memory_order_relaxed);
                h.timed_holds.fetch_add(1, std::memory_order_relaxed);
                h.hold_ticks.fetch_add(hold, std::memory_order_relaxed);
                raise_max(h.max_hold_ticks, hold);
            }
        }
    }
    slot->acquired_ticks.store(end, std::memory_order_relaxed);
    slot->holder_tid.store(thread_id(), std::memory_order_relaxed);
}

void waits_mutex_releasing(uint64_t object, CallSite site) {
    ReentryGuard guard;
    ErrnoKeeper keep;
    MutexSlot* slot = mutex_slot(object);
    if (slot == nullptr) {
        count_dropped();
        return;
    }
    uint32_t stack = stack_of(this_thread(), site);
    uint64_t now = now_ticks();
    uint64_t acquired = slot->acquired_ticks.load(std::memory_order_relaxed);
    bool timed = acquired != 0 && slot->holder_tid.load(std::memory_order_relaxed) == thread_id();
    slot->acquired_ticks.store(0, std::memory_order_relaxed);
    slot->holder_tid.store(0, std::memory_order_relaxed);
    slot->release_stack.store(stack, std::memory_order_relaxed);
    slot->release_timed.store(timed, std::memory_order_relaxed);
    slot->release_hold.store(timed && now > acquired ? now - acquired : 0, std::memory_order_relaxed);
    slot->release_ticks.store(now, std::memory_order_relaxed);
}

void waits_semaphore_renewed(uint64_t object) {
    ReentryGuard guard;
    MutexSlot* slot = mutex_slot(object, false);
    if (slot == nullptr) return;
    slot->release_ticks.store(0, std::memory_order_relaxed);
    slot->acquired_ticks.store(0, std::memory_order_relaxed);
    slot->holder_tid.store(0, std::memory_order_relaxed);
}

void waits_mutex_letting_go(uint64_t object, uint32_t self) {
    MutexSlot* slot = mutex_slot(object, false);
    if (slot == nullptr || slot->holder_tid.load(std::memory_order_relaxed) != self) return;
    slot->acquired_ticks.store(0, std::memory_order_relaxed);
    slot->holder_tid.store(0, std::memory_order_relaxed);
}

namespace {

void write_site_totals() {
    for (SiteSlot& slot : g_sites) {
        if (slot.state.load(std::memory_order_acquire) != 2) continue;
        shimlog::WaitSiteRecord rec{};
        rec.waits = slot.waits.load(std::memory_order_relaxed);
        if (rec.waits == 0) continue;
        rec.object = slot.object;
        rec.stack_id = slot.stack;
        rec.kind = slot.kind;
        rec.timeouts = slot.timeouts.load(std::memory_order_relaxed);
        rec.wait_ticks = slot.ticks.load(std::memory_order_relaxed);
        rec.max_ticks = slot.max_ticks.load(std::memory_order_relaxed);
        rec.threads = slot.threads.load(std::memory_order_relaxed);
        sink_record(shimlog::RecordType::WaitSite, {{&rec, sizeof rec}});
    }
}

void write_holder_totals() {
    for (HolderSlot& slot : g_holders) {
        if (slot.state.load(std::memory_order_acquire) != 2) continue;
        shimlog::LockHolderRecord rec{};
        rec.releases = slot.releases.load(std::memory_order_relaxed);
        if (rec.releases == 0) continue;
        rec.object = slot.object;
        rec.stack_id = slot.stack;
        rec.delay_ticks = slot.delay_ticks.load(std::memory_order_relaxed);
        rec.timed_holds = slot.timed_holds.load(std::memory_order_relaxed);
        rec.hold_ticks = slot.hold_ticks.load(std::memory_order_relaxed);
        rec.max_hold_ticks = slot.max_hold_ticks.load(std::memory_order_relaxed);
        sink_record(shimlog::RecordType::LockHolder, {{&rec, sizeof rec}});
    }
}

}  // namespace

void waits_write_totals() {
    if (g_sites_touched.load(std::memory_order_acquire)) write_site_totals();
    if (g_holders_touched.load(std::memory_order_acquire)) write_holder_totals();
}

void waits_write_chunks(bool wait) {
    for (ThreadWaits* block = g_blocks.load(std::memory_order_acquire); block; block = block->next)
        if (block->in_use.load(std::memory_order_acquire)) drain(*block, wait);
}

// Says in the log whether waits are recorded, so that a run without a
// contended wait is not mistaken for one whose waits went unseen.
static void note_recording(bool on) {
    static const char kOn[] = "contended waits are recorded (SHIM_WAITS=1)";
    static const char kOff[] = "contended waits are not recorded (SHIM_WAITS=0)";
    const char* text = on ? kOn : kOff;
    shimlog::NoteRecord rec{static_cast<uint16_t>(on ? shimlog::NoteKind::WaitsRecorded : shimlog::NoteKind::WaitsNotRecorded),
                            static_cast<uint16_t>(on ? sizeof kOn - 1 : sizeof kOff - 1)};
    arena_record(shimlog::RecordType::Note, {{&rec, sizeof rec}, {text, rec.text_len}});
}

void waits_init() {
    note_recording(waits_on());
    if (pthread_key_create(&g_end_key, thread_finished) == 0) g_key_ready.store(true, std::memory_order_release);
}

// A slot another thread was claiming at the fork stays "being filled" in the
// child, where that thread does not exist: it would make every lookup that
// probes it spin for ever. Its key was never published: the slot is free.
template <typename Slot>
void free_half_claimed(Slot* table, uint32_t size, const std::atomic<bool>& touched) {
    if (!touched.load(std::memory_order_relaxed)) return;
    for (uint32_t i = 0; i < size; ++i)
        if (table[i].state.load(std::memory_order_relaxed) == 1) table[i].state.store(0, std::memory_order_relaxed);
}

void waits_after_fork_child() {
    free_half_claimed(g_sites, kSiteSlots, g_sites_touched);
    free_half_claimed(g_holders, kHolderSlots, g_holders_touched);
    uint32_t claimed = 0;
    if (g_sites_touched.load(std::memory_order_relaxed))
        for (const SiteSlot& slot : g_sites) claimed += slot.state.load(std::memory_order_relaxed) != 0;
    g_sites_claimed.store(claimed, std::memory_order_relaxed);
    waits_reset_counters();
    // Only the forking thread exists here; the other rings' waits are the parent's.
    for (ThreadWaits* block = g_blocks.load(std::memory_order_acquire); block; block = block->next) {
        block->tail.store(block->head.load(std::memory_order_relaxed), std::memory_order_relaxed);
        block->dropped.store(0, std::memory_order_relaxed);
        block->draining.store(false, std::memory_order_relaxed);
        if (block == t_waits) {
            block->tid = thread_id();
            memset(block->sites_seen, 0, sizeof block->sites_seen);
        } else {
            block->in_use.store(false, std::memory_order_relaxed);
        }
    }
}

namespace {

void reset_site_counters() {
    for (SiteSlot& slot : g_sites) {
        slot.waits.store(0, std::memory_order_relaxed);
        slot.timeouts.store(0, std::memory_order_relaxed);
        slot.ticks.store(0, std::memory_order_relaxed);
        slot.max_ticks.store(0, std::memory_order_relaxed);
        slot.threads.store(0, std::memory_order_relaxed);
    }
}

void reset_holder_counters() {
    for (HolderSlot& slot : g_holders) {
        slot.releases.store(0, std::memory_order_relaxed);
        slot.delay_ticks.store(0, std::memory_order_relaxed);
        slot.timed_holds.store(0, std::memory_order_relaxed);
        slot.hold_ticks.store(0, std::memory_order_relaxed);
        slot.max_hold_ticks.store(0, std::memory_order_relaxed);
    }
}

void reset_mutex_counters() {
    for (MutexSlot& slot : g_mutexes) {
        slot.release_ticks.store(0, std::memory_order_relaxed);
        slot.acquired_ticks.store(0, std::memory_order_relaxed);
        slot.holder_tid.store(0, std::memory_order_relaxed);
    }
}

}  // namespace

void waits_reset_counters() {
    if (g_sites_touched.load(std::memory_order_acquire)) reset_site_counters();
    if (g_holders_touched.load(std::memory_order_acquire)) reset_holder_counters();
    if (g_mutexes_touched.load(std::memory_order_acquire)) reset_mutex_counters();
}

}  // namespace shim
