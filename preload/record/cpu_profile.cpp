#include "cpu_profile.h"
#include "recording.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <elf.h>
#include <sys/auxv.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "../../format/log_format.h"
#include "../clock.h"
#include "../hooks/interpose.h"
#include "../log/record_sink.h"
#include "../settings.h"
#include "alloc_stacks.h"
#include "block_pool.h"
#include "stacks.h"
#include "threads.h"

namespace shim {
namespace {

using shimlog::CpuSampleDepth;

// A sample as the handler leaves it; encoded only when written out.
struct Sample {
    uint64_t ticks;
    uint32_t stack;
    uint16_t expiries;
    uint8_t depth;  // CpuSampleDepth
};

// 512 samples: 5 s of a thread's CPU at 100 Hz, 2 s at the kernel's cap of
// ~250 deliveries a second, between writes (the sampler writes every 0.25 s;
// a thread writes its own at three quarters full).
constexpr uint32_t kRingSamples = 512;
constexpr uint32_t kBatchSamples = 256;
constexpr uint32_t kSampleMaxBytes = 10 + 5 + 3 + 1;
constexpr uint32_t kMaxFrames = shimlog::kMaxStackDepth;

enum class RingState : int { Live, Ended };

// The samples themselves (8 KiB): taken at a thread's first sample, so that
// the many threads too short to be sampled cost no more than a CpuRing.
struct SampleBlock {
    SampleBlock* next;  // pool list
    std::atomic<bool> in_use;
    Sample samples[kRingSamples];
};

// One thread's timer and samples: its handler adds at `head`, the writer (one
// at a time, g_writing) takes from `tail`. A finished thread's ring is written
// out and then handed to the next thread; one that was never sampled is
// handed on at once.
struct CpuRing {
    CpuRing* next;  // pool list
    std::atomic<bool> in_use;
    std::atomic<uint32_t> head;
    std::atomic<uint32_t> tail;
    std::atomic<uint32_t> dropped;
    std::atomic<uint32_t> tid;
    std::atomic<int> state;
    std::atomic<int> timer;  // the kernel's timer id, -1 when none
    std::atomic<SampleBlock*> block;
    // The timer's schedule on the thread's CPU clock (armed at `armed_cpu_ns`,
    // first expiry `first_ns` later, then every period) and the expiries its
    // signals brought: at the thread's end, the ones due but never delivered.
    uint64_t armed_cpu_ns;
    uint64_t first_ns;
    std::atomic<uint64_t> delivered;
    std::atomic<uint32_t> last_stack;  // the stack of the newest sample, 0 before one
};

std::atomic<SampleBlock*> g_blocks{nullptr};
std::atomic<CpuRing*> g_rings{nullptr};
std::atomic<bool> g_writing{false};
std::atomic<bool> g_stopped{false};
int g_signal = 0;
uint64_t g_period_ns = 0;
uint64_t g_loader_lo = 0, g_loader_hi = 0;  // the dynamic loader's code
// The values our timers carry: a signal with one is ours, whatever else is
// sent. A foreign thread's (one the hooks never saw start) says so: such a
// thread may share another's TLS (a raw clone without CLONE_SETTLS).
const char g_magic = 0;
const char g_magic_foreign = 0;

__thread CpuRing* t_ring __attribute__((tls_model("initial-exec"))) = nullptr;
__thread bool t_ended __attribute__((tls_model("initial-exec"))) = false;

// The loader's executable segment, from its ELF header in memory (AT_BASE):
// a sample that lands there may find its object list half-changed (dlopen,
// dlclose), so it is not unwound.
void find_loader_code() {
    uint64_t base = getauxval(AT_BASE);
    if (base == 0) return;
    const auto* header = reinterpret_cast<const Elf64_Ehdr*>(base);
    if (memcmp(header->e_ident, ELFMAG, SELFMAG) != 0) return;
    const auto* phdrs = reinterpret_cast<const Elf64_Phdr*>(base + header->e_phoff);
    for (int i = 0; i < header->e_phnum; ++i) {
        if (phdrs[i].p_type != PT_LOAD || !(phdrs[i].p_flags & PF_X)) continue;
        uint64_t lo = base + phdrs[i].p_vaddr, hi = lo + phdrs[i].p_memsz;
        if (g_loader_lo == 0 || lo < g_loader_lo) g_loader_lo = lo;
        if (hi > g_loader_hi) g_loader_hi = hi;
    }
}

bool in_loader(uint64_t pc) { return pc >= g_loader_lo && pc < g_loader_hi; }

// A thread's CPU clock, formed from its id as the kernel does: for a thread
// other than the caller.
clockid_t thread_cpu_clock(uint32_t tid) { return static_cast<clockid_t>((~tid << 3) | 6); }

// Each timer holds one of the user's pending-signal slots (RLIMIT_SIGPENDING,
// shared by all their processes) from its creation: the profile takes at most
// a quarter of them, never so many that the program's own sigqueue or
// timer_create would fail. Threads past that are not sampled, and the log says so.
std::atomic<uint32_t> g_armed{0};
uint32_t g_max_armed = 0;
std::atomic<bool> g_said_capped{false};

void note_capped();

void delete_timer(int timer) {
    syscall(SYS_timer_delete, timer);
    g_armed.fetch_sub(1, std::memory_order_relaxed);
}

// A timer on `clock` that signals thread `tid`, first expiring at a random
// point within the period so that threads shorter than it are sampled in
// proportion to their CPU. -1 when the kernel refuses or the cap is reached.
int arm_timer(clockid_t clock, uint32_t tid, const char* magic = &g_magic, uint64_t* first_ns = nullptr) {
    if (g_armed.fetch_add(1, std::memory_order_relaxed) >= g_max_armed) {
        g_armed.fetch_sub(1, std::memory_order_relaxed);
        note_capped();
        return -1;
    }
    struct sigevent event;
    memset(&event, 0, sizeof event);
    event.sigev_notify = SIGEV_THREAD_ID;
    event.sigev_signo = g_signal;
    event.sigev_value.sival_ptr = const_cast<char*>(magic);
    event._sigev_un._tid = static_cast<int>(tid);
    int timer = -1;
    if (syscall(SYS_timer_create, clock, &event, &timer) != 0) {
        g_armed.fetch_sub(1, std::memory_order_relaxed);
        return -1;
    }
    uint64_t mixed = (now_ticks() ^ (uint64_t(tid) << 32)) * 0x9e3779b97f4a7c15ull;
    uint64_t first = 1 + (mixed >> 11) % g_period_ns;
    struct itimerspec when;
    when.it_interval = {static_cast<time_t>(g_period_ns / 1000000000u), static_cast<long>(g_period_ns % 1000000000u)};
    when.it_value = {static_cast<time_t>(first / 1000000000u), static_cast<long>(first % 1000000000u)};
    if (syscall(SYS_timer_settime, timer, 0, &when, nullptr) != 0) {
        delete_timer(timer);
        return -1;
    }
    if (first_ns != nullptr) *first_ns = first;
    return timer;
}

void disarm(std::atomic<int>& slot) {
    int timer = slot.exchange(-1, std::memory_order_acq_rel);
    if (timer >= 0) delete_timer(timer);
}

// Threads found by the sampler that the hooks never saw start, and their timers.
constexpr int kMaxForeign = 256;
uint32_t g_foreign_seen[kMaxForeign];  // in the previous scan
int g_foreign_seen_count = 0;
uint32_t g_foreign_armed[kMaxForeign];
std::atomic<int> g_foreign_timers[kMaxForeign];  // timer id + 1: zeroed means none
int g_foreign_armed_count = 0;

std::atomic<bool> g_foreign_busy{false};  // the sampler, or the constructor arming early threads

// Arms one thread the hooks did not see start (caller holds g_foreign_busy).
void arm_foreign(uint32_t tid) {
    if (g_foreign_armed_count >= kMaxForeign) return;
    g_foreign_armed[g_foreign_armed_count] = tid;
    g_foreign_timers[g_foreign_armed_count].store(arm_timer(thread_cpu_clock(tid), tid, &g_magic_foreign) + 1,
                                                 std::memory_order_release);
    g_foreign_armed_count++;
}

class ForeignTable {
public:
    ForeignTable() {
        bool expected = false;
        while (!g_foreign_busy.compare_exchange_weak(expected, true, std::memory_order_acquire)) expected = false;
    }
    ~ForeignTable() { g_foreign_busy.store(false, std::memory_order_release); }
};

bool listed(const uint32_t* tids, int count, uint32_t tid) {
    for (int i = 0; i < count; ++i)
        if (tids[i] == tid) return true;
    return false;
}

CpuRing* take_ring(uint32_t tid) {
    CpuRing* ring = pool_acquire(g_rings);
    if (ring == nullptr) return nullptr;
    ring->tid.store(tid, std::memory_order_relaxed);
    ring->state.store(static_cast<int>(RingState::Live), std::memory_order_relaxed);
    ring->timer.store(-1, std::memory_order_relaxed);
    ring->dropped.store(0, std::memory_order_relaxed);
    ring->armed_cpu_ns = ring->first_ns = 0;
    ring->delivered.store(0, std::memory_order_relaxed);
    ring->last_stack.store(0, std::memory_order_relaxed);
    return ring;
}

// Hands a ring (and its samples) to the next thread; its samples are written.
void release_ring(CpuRing* ring) {
    ring->head.store(0, std::memory_order_relaxed);
    ring->tail.store(0, std::memory_order_relaxed);
    pool_release(ring->block.exchange(nullptr, std::memory_order_acq_rel));
    pool_release(ring);
}

// Encodes and writes [tail, head) of one ring, in batches. Caller holds g_writing.
void write_ring(CpuRing& ring) {
    const SampleBlock* block = ring.block.load(std::memory_order_acquire);
    if (block == nullptr) return;
    uint32_t head = ring.head.load(std::memory_order_acquire);
    uint32_t tail = ring.tail.load(std::memory_order_relaxed);
    uint8_t buffer[kBatchSamples * kSampleMaxBytes];
    while (tail != head) {
        uint32_t count = head - tail < kBatchSamples ? head - tail : kBatchSamples;
        shimlog::CpuSamplesRecord rec{};
        rec.tid = ring.tid.load(std::memory_order_relaxed);
        rec.count = count;
        rec.period_ns = g_period_ns;
        rec.first_ticks = block->samples[tail % kRingSamples].ticks;
        uint8_t* out = buffer;
        uint64_t previous = rec.first_ticks;
        for (uint32_t i = 0; i < count; ++i) {
            const Sample& s = block->samples[(tail + i) % kRingSamples];
            out = shimlog::put_varint(out, s.ticks - previous);
            out = shimlog::put_varint(out, s.stack);
            out = shimlog::put_varint(out, s.expiries);
            *out++ = s.depth;
            previous = s.ticks;
        }
        rec.raw_size = static_cast<uint32_t>(out - buffer);
        rec.dropped = ring.dropped.exchange(0, std::memory_order_relaxed);
        if (!log_write_record(shimlog::RecordType::CpuSamples, {{&rec, sizeof rec}, {buffer, rec.raw_size}}))
            for (uint32_t i = 0; i < count; ++i) count_dropped();
        tail += count;
        ring.tail.store(tail, std::memory_order_release);
    }
}

bool take_writing(bool wait) {
    for (int spin = 0;; ++spin) {
        bool expected = false;
        if (g_writing.compare_exchange_strong(expected, true, std::memory_order_acquire)) return true;
        if (!wait || spin > 20000) return false;
        if (spin > 100) usleep(100);
    }
}

void write_all_rings() {
    for (CpuRing* ring = g_rings.load(std::memory_order_acquire); ring; ring = ring->next) {
        if (!ring->in_use.load(std::memory_order_acquire)) continue;
        write_ring(*ring);
        if (ring->state.load(std::memory_order_acquire) == static_cast<int>(RingState::Ended)) release_ring(ring);
    }
}

void note_off(CpuProfileOff why) {
    static const char* const kWhy[] = {
        "the program installed its own handler for the profile's signal (SHIM_CPU_SIGNAL names another)",
        "the program started its own profiling timer (ITIMER_PROF)",
        "the profile's signal already had a handler or was ignored when the shim started",
        "the kernel refused a CPU-time timer"};
    const char* text = kWhy[static_cast<int>(why)];
    shimlog::NoteRecord rec{static_cast<uint16_t>(shimlog::NoteKind::CpuProfile),
                            static_cast<uint16_t>(strlen(text))};
    arena_record(shimlog::RecordType::Note, {{&rec, sizeof rec}, {text, rec.text_len}});
}

void note_capped() {
    if (g_said_capped.exchange(true, std::memory_order_relaxed)) return;
    static const char text[] =
        "more threads were alive at once than the profile arms timers for (a quarter of the user's "
        "pending-signal limit, RLIMIT_SIGPENDING): the threads past that were not sampled";
    shimlog::NoteRecord rec{static_cast<uint16_t>(shimlog::NoteKind::CpuProfile), uint16_t(sizeof text - 1)};
    arena_record(shimlog::RecordType::Note, {{&rec, sizeof rec}, {text, rec.text_len}});
}

// The stack at the interrupted instruction: unwound when that is safe, else
// the instruction alone. frames[0] is its address + 1 (format/log_format.h).
uint32_t sample_frames(uint64_t pc, uint64_t* frames, CpuSampleDepth* why) {
    frames[0] = pc + 1;
    if (in_loader(pc)) {
        *why = CpuSampleDepth::InLoader;
        return 1;
    }
    void* raw[kMaxFrames + 16];
    int n = capture_frames_in_signal(raw, kMaxFrames + 16, why);
    // The handler's own frames and the signal trampoline come first: the
    // interrupted frame is where the stack meets the interrupted address.
    int at = 0;
    while (at < n && reinterpret_cast<uint64_t>(raw[at]) != pc) ++at;
    if (at == n) {
        if (*why == CpuSampleDepth::Full) *why = CpuSampleDepth::NoUnwinder;
        return 1;
    }
    uint32_t depth = 1;
    for (int i = at + 1; i < n && depth < kMaxFrames; ++i) frames[depth++] = reinterpret_cast<uint64_t>(raw[i]);
    return depth;
}

// This thread's ring with room for samples: a thread the hooks never saw
// start takes its ring here, any thread its samples at the first one.
SampleBlock* samples_for_this_thread() {
    if (t_ended) return nullptr;
    if (t_ring == nullptr) t_ring = take_ring(thread_id());
    if (t_ring == nullptr) return nullptr;
    SampleBlock* block = t_ring->block.load(std::memory_order_relaxed);
    if (block == nullptr) {
        block = pool_acquire(g_blocks);
        t_ring->block.store(block, std::memory_order_release);
    }
    return block;
}

}  // namespace

int cpu_profile_signal() { return g_stopped.load(std::memory_order_relaxed) ? 0 : g_signal; }

bool cpu_profile_owns(const siginfo_t* info) {
    return g_signal != 0 && info != nullptr && info->si_signo == g_signal && info->si_code == SI_TIMER &&
           (info->si_value.sival_ptr == &g_magic || info->si_value.sival_ptr == &g_magic_foreign);
}

void cpu_profile_on_signal(const siginfo_t* info, void* context) {
    if (g_stopped.load(std::memory_order_relaxed) || !recording()) return;
    ErrnoKeeper keep;
    // A thread whose TLS is another's records nothing: its ring would be that one's.
    if (info->si_value.sival_ptr == &g_magic_foreign && static_cast<uint32_t>(syscall(SYS_gettid)) != thread_id())
        return;
    SampleBlock* block = samples_for_this_thread();
    if (block == nullptr) return count_dropped();
    CpuRing* ring = t_ring;
    int overruns = info->si_overrun > 0 ? info->si_overrun : 0;
    if (info->si_value.sival_ptr == &g_magic) ring->delivered.fetch_add(uint64_t(overruns) + 1, std::memory_order_relaxed);
    uint32_t head = ring->head.load(std::memory_order_relaxed);
    uint32_t pending = head - ring->tail.load(std::memory_order_acquire);
    if (pending >= kRingSamples) {
        ring->dropped.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    uint64_t pc = static_cast<uint64_t>(static_cast<const ucontext_t*>(context)->uc_mcontext.gregs[REG_RIP]);
    uint64_t frames[kMaxFrames];
    CpuSampleDepth why = CpuSampleDepth::Full;
    uint32_t depth = sample_frames(pc, frames, &why);
    Sample& s = block->samples[head % kRingSamples];
    s.ticks = now_ticks();
    s.stack = stack_intern(frames, depth);
    s.expiries = static_cast<uint16_t>(overruns < 65534 ? overruns + 1 : 65535);
    s.depth = static_cast<uint8_t>(why);
    ring->last_stack.store(s.stack, std::memory_order_relaxed);
    ring->head.store(head + 1, std::memory_order_release);
    // A busy thread that makes no call the shim sees (no checkpoint, no
    // sampler in a one-thread program) writes its own ring before it fills,
    // while it runs program code: no lock of the shim's is held on it then.
    if (pending + 1 >= kRingSamples * 3 / 4 && t_guard_depth == 0 && log_created()) {
        ReentryGuard guard;
        if (take_writing(false)) {
            write_all_rings();
            g_writing.store(false, std::memory_order_release);
        }
    }
}

int cpu_profile_configure() {
    uint32_t hz = setting_cpu_hz();
    if (hz == 0) return 0;
    g_period_ns = 1000000000u / hz;
    struct rlimit pending;
    g_max_armed = 8192;
    if (getrlimit(RLIMIT_SIGPENDING, &pending) == 0 && pending.rlim_cur != RLIM_INFINITY &&
        pending.rlim_cur / 4 < g_max_armed)
        g_max_armed = static_cast<uint32_t>(pending.rlim_cur / 4);
    g_signal = setting_cpu_signal();
    find_loader_code();
    return g_signal;
}

namespace {

// The kernel checks a CPU-time timer at its tick (4 ms at HZ=250) only: the
// expiries due since a thread's last tick are never delivered once it ends,
// and a thread shorter than a tick may get none at all. They are recorded
// here, from the thread's CPU clock and the timer's schedule, as one sample
// at the thread's newest sampled stack, or at its start function when it has
// none.
void record_undelivered(CpuRing& ring, uint64_t start_routine) {
    uint64_t now = clock_ns(CLOCK_THREAD_CPUTIME_ID);
    uint64_t first = ring.armed_cpu_ns + ring.first_ns;
    if (now < first || g_period_ns == 0) return;
    uint64_t due = (now - first) / g_period_ns + 1;
    uint64_t delivered = ring.delivered.load(std::memory_order_relaxed);
    if (due <= delivered) return;
    uint32_t stack = ring.last_stack.load(std::memory_order_relaxed);
    if (stack == 0 && start_routine == 0) return;
    SampleBlock* block = samples_for_this_thread();
    if (block == nullptr) return count_dropped();
    uint32_t head = ring.head.load(std::memory_order_relaxed);
    if (head - ring.tail.load(std::memory_order_acquire) >= kRingSamples) {
        ring.dropped.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    if (stack == 0) {
        uint64_t frame = start_routine + 1;  // a return address's convention: frames[0] is pc + 1
        stack = stack_intern(&frame, 1);
    }
    Sample& s = block->samples[head % kRingSamples];
    s.ticks = now_ticks();
    s.stack = stack;
    s.expiries = static_cast<uint16_t>(due - delivered < 65535 ? due - delivered : 65535);
    s.depth = static_cast<uint8_t>(CpuSampleDepth::AtThreadEnd);
    ring.head.store(head + 1, std::memory_order_release);
}

// Gives the calling thread its ring and its timer (the timer's id lives in the
// ring, where a stop finds every one).
bool arm_this_thread() {
    uint32_t tid = thread_id();
    CpuRing* ring = t_ring != nullptr ? t_ring : take_ring(tid);
    if (ring == nullptr) return false;
    t_ring = ring;
    ring->delivered.store(0, std::memory_order_relaxed);
    ring->armed_cpu_ns = clock_ns(CLOCK_THREAD_CPUTIME_ID);
    ring->timer.store(arm_timer(CLOCK_THREAD_CPUTIME_ID, tid, &g_magic, &ring->first_ns), std::memory_order_release);
    // A stop that ran meanwhile missed this timer.
    if (g_stopped.load(std::memory_order_acquire)) disarm(ring->timer);
    return ring->timer.load(std::memory_order_relaxed) >= 0;
}

}  // namespace

void cpu_profile_start(bool handler_installed) {
    if (g_signal == 0) return;
    if (!handler_installed) {
        g_stopped.store(true, std::memory_order_relaxed);
        return note_off(CpuProfileOff::SignalTaken);
    }
    unwinder_ready_this_thread();  // if libunwind is loaded already; else its first stack here does it
    if (!arm_this_thread()) {
        g_stopped.store(true, std::memory_order_relaxed);
        return note_off(CpuProfileOff::NoTimer);
    }
    // Threads another library's constructor started before ours ran: their
    // trampolines found no profile yet.
    uint32_t self = thread_id();
    ForeignTable table;
    threads_for_each_live([&](uint32_t tid) {
        if (tid != self) arm_foreign(tid);
    });
}

void cpu_profile_thread_start() {
    if (g_signal == 0 || g_stopped.load(std::memory_order_relaxed)) return;
    unwinder_ready_this_thread();  // before its first sample can land (alloc_stacks.h)
    arm_this_thread();
}

void cpu_profile_thread_end(uint64_t start_routine) {
    CpuRing* ring = t_ring;
    if (ring == nullptr) {
        t_ended = true;
        return;
    }
    // First the timer goes: a signal it had queued is handled as this returns.
    bool armed = ring->timer.load(std::memory_order_relaxed) >= 0;
    disarm(ring->timer);
    if (armed && !g_stopped.load(std::memory_order_relaxed)) record_undelivered(*ring, start_routine);
    t_ended = true;  // a signal still queued finds no ring
    std::atomic_signal_fence(std::memory_order_seq_cst);
    t_ring = nullptr;
    // Never sampled: nothing for the writer, the ring goes to the next thread now.
    if (ring->block.load(std::memory_order_acquire) == nullptr) return pool_release(ring);
    ring->state.store(static_cast<int>(RingState::Ended), std::memory_order_release);
}

void cpu_profile_after_fork_child() {
    if (g_signal == 0) return;
    g_writing.store(false, std::memory_order_relaxed);
    // The parent's samples are the parent's to write: every ring starts empty,
    // and only this thread's stays in use.
    for (CpuRing* ring = g_rings.load(std::memory_order_acquire); ring; ring = ring->next) {
        ring->head.store(0, std::memory_order_relaxed);
        ring->tail.store(0, std::memory_order_relaxed);
        ring->dropped.store(0, std::memory_order_relaxed);
        ring->timer.store(-1, std::memory_order_relaxed);  // timers are not inherited
        if (ring == t_ring)
            ring->tid.store(thread_id(), std::memory_order_relaxed);
        else if (ring->in_use.load(std::memory_order_relaxed))
            release_ring(ring);
    }
    g_foreign_seen_count = g_foreign_armed_count = 0;
    for (auto& timer : g_foreign_timers) timer.store(0, std::memory_order_relaxed);
    g_armed.store(0, std::memory_order_relaxed);
    if (!g_stopped.load(std::memory_order_relaxed)) arm_this_thread();
}

void cpu_profile_foreign_threads(const uint32_t* tids, int count) {
    if (g_signal == 0 || g_stopped.load(std::memory_order_relaxed)) return;
    ForeignTable table;
    for (int i = 0; i < count; ++i) {
        uint32_t tid = tids[i];
        // Seen in the scan before too: not a pthread_create'd thread caught
        // before its trampoline ran (which arms its own timer).
        if (listed(g_foreign_seen, g_foreign_seen_count, tid) && !listed(g_foreign_armed, g_foreign_armed_count, tid))
            arm_foreign(tid);
    }
    g_foreign_seen_count = count < kMaxForeign ? count : kMaxForeign;
    memcpy(g_foreign_seen, tids, g_foreign_seen_count * sizeof *tids);
}

void cpu_profile_stop(CpuProfileOff why) {
    if (g_signal == 0 || g_stopped.exchange(true, std::memory_order_acq_rel)) return;
    for (auto& slot : g_foreign_timers) {
        int timer = slot.exchange(0, std::memory_order_acq_rel) - 1;
        if (timer >= 0) delete_timer(timer);
    }
    for (CpuRing* ring = g_rings.load(std::memory_order_acquire); ring; ring = ring->next) disarm(ring->timer);
    note_off(why);
}

void cpu_profile_write(bool wait) {
    if (g_signal == 0 || !take_writing(wait)) return;
    write_all_rings();
    g_writing.store(false, std::memory_order_release);
}

}  // namespace shim
