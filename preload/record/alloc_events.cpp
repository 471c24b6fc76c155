#include "alloc_events.h"

#include <atomic>
#include <cstdlib>
#include <pthread.h>
#include <sys/single_threaded.h>
#include <unistd.h>

#include "../../format/event_encoders.h"
#include "../../format/log_format.h"
#include "alloc_sampling.h"
#include "alloc_stacks.h"
#include "block_pool.h"
#include "live_blocks.h"
#include "../clock.h"
#include "../log/compressor.h"
#include "../hooks/interpose.h"
#include "../log/record_sink.h"
#include "../settings.h"

namespace shim {
namespace {

using shimlog::AllocTag;

constexpr uint32_t kBufferBytes = 1u << 20;
constexpr uint32_t kEventMaxBytes = 1 + 4 * 10 + 1 + 10;  // an event plus a time mark
constexpr uint64_t kMarkTicks = 1u << 21;                   // ~1 ms at 2 GHz
// The clock is read every `clock_every` events, 1 to 128: doubled while 64 us
// or less pass between reads, back to 1 once 0.25 ms or more did. Events are
// timed to the mark (~1 ms) either way; a dense loop reads the clock (~17 ns
// here with the checkpoint check) once per 128 events, and a sparse one times each event exactly.
constexpr uint32_t kMaxEventsPerClockRead = 128;
constexpr uint64_t kDenseTicks = kMarkTicks / 16;
constexpr uint64_t kSparseTicks = kMarkTicks / 4;
// A handler's events wait here while the owner is busy, and the owner can be
// busy for milliseconds: compressing its full 1 MiB buffer, a checkpoint. A
// 10 kHz timer signal whose handler allocates overran 64 slots under load
// (handler_allocs: 44 of 3,000 pairs dropped); 4,096 (96 KiB, touched only
// as used) cover 200 ms of such a handler.
constexpr uint32_t kDeferredEvents = 4096;

// An event of a signal handler that interrupted the owner while it wrote one:
// kept here and written by the owner as soon as it is done (deferred()).
struct DeferredEvent {
    uint64_t ptr;
    uint64_t size;
    uint32_t stack;
    bool is_free;
};

// One thread's pending events. `committed` packs (events << 32 | bytes) of
// complete events, so a final flush from another thread reads a clean prefix;
// `writer` (a thread id, 0 = none) is held by whoever turns the buffer into a chunk.
struct AllocThread {
    // Touched by every event: one cache line (blocks are page-aligned).
    uint32_t used;
    uint32_t events;
    uint32_t until_clock_read;
    // How deep the owner is in writing events (Busy): a signal handler's
    // events meanwhile wait in `deferred`, in the order they happened.
    std::atomic<uint32_t> busy;
    std::atomic<uint32_t> deferred_added;  // by handlers
    uint32_t deferred_written;             // by the owner
    std::atomic<uint64_t> committed;
    uint64_t prev_seq;
    uint64_t prev_ptr;
    uint64_t recorded;  // events ever recorded through this block
    AllocStacks* memo;
    // The rest.
    SamplingState* sampling;  // sampling mode only
    AllocThread* next;
    std::atomic<bool> in_use;
    std::atomic<uint32_t> writer;
    uint32_t tid;        // the thread using the buffer now
    uint32_t chunk_tid;  // the thread whose events open the chunk
    uint32_t clock_every;
    uint64_t clock_ticks;  // when the clock was read last
    uint64_t first_seq;
    uint64_t first_ticks;
    uint64_t mark_ticks;
    DeferredEvent deferred[kDeferredEvents];
    uint8_t buffer[kBufferBytes];
};

std::atomic<AllocThread*> g_threads{nullptr};
std::atomic<uint64_t> g_seq{1};
pthread_key_t g_exit_key;
std::atomic<bool> g_key_ready{false};
thread_local AllocThread* t_alloc __attribute__((tls_model("initial-exec"))) = nullptr;

void start_chunk(AllocThread& t) {
    t.chunk_tid = t.tid;
    t.used = 0;
    t.events = 0;
    t.first_seq = 0;
    t.prev_seq = 0;
    t.prev_ptr = 0;
    t.first_ticks = t.mark_ticks = t.clock_ticks = now_ticks();
    t.until_clock_read = t.clock_every = 1;
    t.committed.store(0, std::memory_order_release);
}

// Writes events [0, bytes) as one chunk record. Caller holds t.writer.
void write_chunk(const AllocThread& t, uint32_t bytes, uint32_t events) {
    if (events == 0) return;
    // Windowed mode: the live-block table learns the chunk's events here,
    // once per chunk, off the malloc path (live_blocks.h).
    if (live_blocks_on()) live_blocks_apply(t.buffer, bytes, t.first_seq);
    Compressed packed = compress_chunk(t.buffer, bytes);
    shimlog::AllocChunkRecord rec{};
    rec.tid = t.chunk_tid;
    rec.event_count = events;
    rec.first_seq = t.first_seq;
    rec.first_ticks = t.first_ticks;
    rec.raw_size = bytes;
    rec.compression = static_cast<uint8_t>(packed.handle >= 0 ? shimlog::Compression::Zstd
                                                              : shimlog::Compression::None);
    if (!log_write_record(shimlog::RecordType::AllocChunk, {{&rec, sizeof rec}, {packed.data, packed.size}}))
        for (uint32_t i = 0; i < events; ++i) count_dropped();
    compressor_done(packed.handle);
}

// Never waits on itself: a fatal signal's final flush may interrupt this
// thread half-way through a chunk (an abort in a handler that landed there).
bool take_writer(AllocThread& t) {
    uint32_t self = thread_id();
    for (int spin = 0; spin < 100000; ++spin) {
        uint32_t owner = t.writer.load(std::memory_order_relaxed);
        if (owner == self) return false;
        if (owner == 0 && t.writer.compare_exchange_weak(owner, self, std::memory_order_acquire)) return true;
        if (spin > 100) usleep(100);
    }
    return false;
}

void release_writer(AllocThread& t) { t.writer.store(0, std::memory_order_release); }

// The owner's flush: the buffer is full, or the thread ends.
void flush_own(AllocThread& t) {
    if (!take_writer(t)) return;
    write_chunk(t, t.used, t.events);
    start_chunk(t);
    release_writer(t);
}

// The thread's pending events stay in the buffer for the next thread that
// takes it (after a Thread tag): a short-lived thread costs no write of its own.
void thread_ends(void*) {
    AllocThread* t = t_alloc;
    if (t == nullptr) return;
    ReentryGuard guard;
    alloc_stacks_release(t->memo);
    t->memo = nullptr;
    sampling_release(t->sampling);
    t->sampling = nullptr;
    t_alloc = nullptr;
    pool_release(t);
}

// A buffer a finished thread left with events in it: continue its chunk,
// marking where this thread's events begin. Caller holds t.writer.
void continue_chunk(AllocThread& t, uint32_t tid) {
    if (kBufferBytes - t.used < kEventMaxBytes) {  // full: written under its old owner
        write_chunk(t, t.used, t.events);
        t.events = 0;
    }
    t.tid = tid;
    if (t.events == 0) return start_chunk(t);
    uint8_t* out = shimlog::put_thread_mark(t.buffer + t.used, tid);
    t.used = static_cast<uint32_t>(out - t.buffer);
    t.committed.store((uint64_t(t.events) << 32) | t.used, std::memory_order_release);
}

__attribute__((noinline)) AllocThread* first_thread_state() {
    ErrnoKeeper keep;  // its mmap
    bool reused = false;
    AllocThread* t = pool_acquire(g_threads, &reused);
    if (t == nullptr) return nullptr;
    if (reused && take_writer(*t)) {
        continue_chunk(*t, thread_id());
        release_writer(*t);
    } else {
        t->tid = thread_id();
        start_chunk(*t);
    }
    t->memo = alloc_stacks_acquire();
    t_alloc = t;
    if (g_key_ready.load(std::memory_order_acquire)) pthread_setspecific(g_exit_key, t);
    return t;
}

inline AllocThread* thread_state() {
    if (__builtin_expect(t_alloc != nullptr, 1)) return t_alloc;
    return first_thread_state();
}

// Every `clock_every` events: the time, a checkpoint when one is due, and a
// time mark when the clock moved on. Out of line: the hot path stays a leaf.
__attribute__((noinline)) void clock_tick(AllocThread& t) {
    ErrnoKeeper keep;  // a checkpoint's writes
    uint64_t ticks = now_ticks();
    uint64_t since = ticks - t.clock_ticks;
    t.clock_ticks = ticks;
    if (since <= kDenseTicks && t.clock_every < kMaxEventsPerClockRead)
        t.clock_every *= 2;
    else if (since >= kSparseTicks)
        t.clock_every = 1;
    t.until_clock_read = t.clock_every;
    log_checkpoint(ticks);  // may write this thread's chunk
    if (ticks - t.mark_ticks < kMarkTicks) return;
    uint8_t* out = shimlog::put_time_mark(t.buffer + t.used, ticks - t.mark_ticks);
    t.mark_ticks = ticks;
    t.used = static_cast<uint32_t>(out - t.buffer);
}

bool has_room(const AllocThread& t) { return kBufferBytes - t.used >= kEventMaxBytes; }

// False when the chunk could not be written (another writer held on past the
// wait): the event is dropped rather than written past the buffer.
__attribute__((noinline)) bool make_room(AllocThread& t) {
    ErrnoKeeper keep;  // the chunk's write
    flush_own(t);
    return has_room(t);
}

// While glibc knows of one thread only no other can take a number, and glibc
// clears the flag in pthread_create before a second thread exists (its own
// malloc skips its locks on the same flag): no locked instruction until then.
// A signal handler on this thread never takes one meanwhile (Busy defers it).
inline uint64_t next_sequence() {
    if (__libc_single_threaded) {
        uint64_t seq = g_seq.load(std::memory_order_relaxed);
        g_seq.store(seq + 1, std::memory_order_relaxed);
        return seq;
    }
    return g_seq.fetch_add(1, std::memory_order_relaxed);
}

// Room for one more event, a time mark when the clock moved on, the sequence
// delta; nullptr when there is no room (the event is counted as dropped).
inline uint8_t* begin_event(AllocThread& t, AllocTag tag, uint64_t seq) {
    if (__builtin_expect(!has_room(t), 0) && !make_room(t)) {
        count_dropped();
        return nullptr;
    }
    if (__builtin_expect(--t.until_clock_read == 0, 0)) clock_tick(t);
    uint8_t* out = t.buffer + t.used;  // after the tick, which may have written the chunk
    if (t.events == 0) t.first_seq = t.prev_seq = seq;
    return shimlog::put_event_start(out, tag, seq, t.prev_seq);
}

void end_event(AllocThread& t, uint8_t* out) {
    t.used = static_cast<uint32_t>(out - t.buffer);
    t.events++;
    t.committed.store((uint64_t(t.events) << 32) | t.used, std::memory_order_release);
    t.recorded++;
}

uint8_t* put_pointer(AllocThread& t, uint8_t* out, const void* ptr) {
    return shimlog::put_event_pointer(out, reinterpret_cast<uint64_t>(ptr), t.prev_ptr);
}

// In sampling mode only the sampled blocks' frees become events.
bool free_is_recorded(AllocThread& t, const void* ptr) {
    if (!sampling_on()) return true;
    ErrnoKeeper keep;  // the sampling table's mmap
    if (t.sampling == nullptr) t.sampling = sampling_acquire();
    return sampling_forget(t.sampling, ptr);
}

// The caller has decided that the free is recorded (free_is_recorded).
__attribute__((always_inline)) inline void free_event(AllocThread& t, const void* ptr, uint64_t seq) {
    uint8_t* out = begin_event(t, AllocTag::Free, seq);
    if (__builtin_expect(out != nullptr, 1)) end_event(t, put_pointer(t, out, ptr));
}

__attribute__((always_inline)) inline void alloc_event(AllocThread& t, const void* ptr, size_t size, uint32_t stack, uint64_t seq) {
    uint8_t* out = begin_event(t, AllocTag::Alloc, seq);
    if (__builtin_expect(out == nullptr, 0)) return;
    out = shimlog::put_alloc_fields(out, stack, size);
    end_event(t, put_pointer(t, out, ptr));
}

// Writes what handlers deferred, with sequence numbers of now: they come
// after the event their handler interrupted, as in the thread's own order.
__attribute__((noinline)) void write_deferred(AllocThread& t) {
    for (;;) {
        uint32_t added = t.deferred_added.load(std::memory_order_acquire);
        if (t.deferred_written == added) return;
        const DeferredEvent& e = t.deferred[t.deferred_written % kDeferredEvents];
        const void* ptr = reinterpret_cast<const void*>(e.ptr);
        if (e.is_free)
            free_event(t, ptr, reserve_sequence());
        else
            alloc_event(t, ptr, e.size, e.stack, reserve_sequence());
        t.deferred_written++;
    }
}

// Only the owner and its signal handlers touch `busy`, and a handler leaves it
// as it found it: plain loads and stores, no locked instruction on the hot path.
inline void enter_busy(AllocThread& t) {
    t.busy.store(t.busy.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    std::atomic_signal_fence(std::memory_order_seq_cst);
}

inline void leave_busy(AllocThread& t) {
    std::atomic_signal_fence(std::memory_order_seq_cst);
    uint32_t depth = t.busy.load(std::memory_order_relaxed);
    // Still busy meanwhile, so a handler now defers too.
    if (__builtin_expect(t.deferred_added.load(std::memory_order_relaxed) != t.deferred_written, 0) && depth == 1)
        write_deferred(t);
    std::atomic_signal_fence(std::memory_order_seq_cst);
    t.busy.store(depth - 1, std::memory_order_relaxed);
}

// While alive, the owner is writing events to its buffer.
class Busy {
public:
    explicit Busy(AllocThread& t) : t_(t) { enter_busy(t_); }
    ~Busy() { leave_busy(t_); }
    Busy(const Busy&) = delete;
    Busy& operator=(const Busy&) = delete;
private:
    AllocThread& t_;
};

void defer(AllocThread& t, const DeferredEvent& event) {
    uint32_t added = t.deferred_added.load(std::memory_order_relaxed);
    if (added - t.deferred_written >= kDeferredEvents) return count_dropped();
    t.deferred[added % kDeferredEvents] = event;
    t.deferred_added.store(added + 1, std::memory_order_release);
}

}  // namespace

void record_alloc(const void* ptr, size_t size, uint64_t return_address, uint64_t caller_sp) {
    AllocThread* t = thread_state();
    if (t == nullptr) return count_dropped();
    Busy busy(*t);
    uint32_t stack = alloc_stack_id(t->memo, return_address, caller_sp);
    bool sampled = sampling_on();
    if (sampled) {
        ErrnoKeeper keep;  // the sampling table's mmap
        if (t->sampling == nullptr) t->sampling = sampling_acquire();
        if (t->sampling == nullptr || !sampling_count(t->sampling, stack, size)) return;
        if (!sampling_remember(ptr)) return count_dropped();
    }
    uint64_t seq = next_sequence();
    // A budget's switch to sampling between the test and the number: the
    // event may be past the switch, where the analyzer reads it as a sample,
    // so its free must be recorded as a sample's is (else the block stays
    // live there and its address's next block counts a lost free).
    if (__builtin_expect(!sampled && sampling_on(), 0)) sampling_remember(ptr);
    alloc_event(*t, ptr, size, stack, seq);
}

void record_free(const void* ptr) {
    AllocThread* t = thread_state();
    if (t == nullptr) return count_dropped();
    Busy busy(*t);
    // Sampling mode: the sequence number is taken only for a recorded free.
    if (!free_is_recorded(*t, ptr)) return;
    free_event(*t, ptr, next_sequence());
}

uint64_t reserve_sequence() { return next_sequence(); }

uint64_t alloc_sequence_now() { return g_seq.load(std::memory_order_relaxed); }

void record_free_at(const void* ptr, uint64_t seq) {
    AllocThread* t = thread_state();
    if (t == nullptr) return count_dropped();
    Busy busy(*t);
    if (free_is_recorded(*t, ptr)) free_event(*t, ptr, seq);
}

// A handler that interrupted the shim: written now if the buffer is between
// events, else deferred to the owner. Sampling mode keeps no stack-exact
// path for them: each is counted as dropped.
void record_alloc_in_handler(const void* ptr, size_t size, uint64_t return_address) {
    AllocThread* t = t_alloc;
    if (t == nullptr || sampling_on()) return count_dropped();
    uint32_t stack = handler_stack_id(return_address);
    if (t->busy.load(std::memory_order_relaxed) > 0) return defer(*t, {reinterpret_cast<uint64_t>(ptr), size, stack, false});
    Busy busy(*t);
    alloc_event(*t, ptr, size, stack, next_sequence());
}

void record_free_in_handler(const void* ptr) {
    AllocThread* t = t_alloc;
    if (t == nullptr || sampling_on()) return count_dropped();
    if (t->busy.load(std::memory_order_relaxed) > 0) return defer(*t, {reinterpret_cast<uint64_t>(ptr), 0, 0, true});
    Busy busy(*t);
    free_event(*t, ptr, reserve_sequence());
}

void* AllocSpan::alloc_span_begin() {
    ErrnoKeeper keep;
    AllocThread* t = thread_state();
    if (t != nullptr) enter_busy(*t);
    return t;
}

void AllocSpan::alloc_span_end(void* span) {
    if (span == nullptr) return;
    ErrnoKeeper keep;  // after the real call: errno is its
    leave_busy(*static_cast<AllocThread*>(span));
}

// This thread's own buffer is flushed as its owner: Busy, so a signal
// handler landing meanwhile defers its events instead of writing beside the
// flush (at exit, a timer's handler that allocated overran the buffer).
void alloc_flush_this_thread() {
    if (t_alloc == nullptr) return;
    Busy busy(*t_alloc);
    flush_own(*t_alloc);
}

void alloc_flush_all() {
    for (AllocThread* t = g_threads.load(std::memory_order_acquire); t; t = t->next) {
        if (t == t_alloc) {
            alloc_flush_this_thread();
            continue;
        }
        if (!take_writer(*t)) continue;
        uint64_t committed = t->committed.load(std::memory_order_acquire);
        write_chunk(*t, static_cast<uint32_t>(committed), static_cast<uint32_t>(committed >> 32));
        release_writer(*t);
    }
}

void alloc_write_pending_direct() {
    for (AllocThread* t = g_threads.load(std::memory_order_acquire); t; t = t->next) {
        if (!take_writer(*t)) continue;
        uint64_t committed = t->committed.load(std::memory_order_acquire);
        uint32_t events = static_cast<uint32_t>(committed >> 32);
        if (events > 0) {
            uint32_t bytes = static_cast<uint32_t>(committed);
            Compressed packed = compress_chunk(t->buffer, bytes);
            shimlog::AllocChunkRecord rec{};
            rec.tid = t->chunk_tid;
            rec.event_count = events;
            rec.first_seq = t->first_seq;
            rec.first_ticks = t->first_ticks;
            rec.raw_size = bytes;
            rec.compression = static_cast<uint8_t>(packed.handle >= 0 ? shimlog::Compression::Zstd
                                                                      : shimlog::Compression::None);
            sink_record(shimlog::RecordType::AllocChunk, {{&rec, sizeof rec}, {packed.data, packed.size}});
            compressor_done(packed.handle);
        }
        release_writer(*t);
    }
}

void alloc_discard_written() {
    for (AllocThread* t = g_threads.load(std::memory_order_acquire); t; t = t->next) {
        // An event begun before recording went off ends first (bounded: ~10 ms).
        for (int i = 0; i < 100 && t->busy.load(std::memory_order_acquire) != 0; ++i) usleep(100);
        if (!take_writer(*t)) continue;
        start_chunk(*t);
        release_writer(*t);
    }
}

void alloc_init() {
    if (pthread_key_create(&g_exit_key, thread_ends) == 0) g_key_ready.store(true, std::memory_order_release);
    alloc_stacks_configure(setting_stack_verify_every());
    sampling_init();
}

void alloc_after_fork_child() {
    for (AllocThread* t = g_threads.load(std::memory_order_acquire); t; t = t->next) {
        t->writer.store(0, std::memory_order_relaxed);
        start_chunk(*t);
        if (t != t_alloc) {
            alloc_stacks_release(t->memo);
            t->memo = nullptr;
            sampling_release(t->sampling);
            t->sampling = nullptr;
            pool_release(t);
        } else {
            t->tid = thread_id();
            t->chunk_tid = t->tid;
        }
    }
    compressor_after_fork_child();
    sampling_after_fork_child();
}

uint64_t alloc_events_recorded() {
    uint64_t total = 0;
    for (AllocThread* t = g_threads.load(std::memory_order_acquire); t; t = t->next) total += t->recorded;
    return total;
}

uint64_t alloc_bytes_pending() {
    uint64_t total = 0;
    for (AllocThread* t = g_threads.load(std::memory_order_acquire); t; t = t->next)
        total += static_cast<uint32_t>(t->committed.load(std::memory_order_relaxed));
    return total;
}

uint64_t alloc_events_pending() {
    uint64_t total = 0;
    for (AllocThread* t = g_threads.load(std::memory_order_acquire); t; t = t->next) total += t->events;
    return total;
}

}  // namespace shim
