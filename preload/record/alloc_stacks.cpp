#include "alloc_stacks.h"

#include <atomic>
#include <pthread.h>
#include <sys/resource.h>

#include <dlfcn.h>

#include <execinfo.h>

#include "../../format/log_format.h"
#include "block_pool.h"
#include "../hooks/interpose.h"
#include "../hooks/loader_gate.h"
#include "../log/record_sink.h"
#include "modules.h"
#include "stacks.h"
#include "unwinder_pipe.h"
#include "unwinder_signals.h"

extern "C" void* __libc_stack_end;  // glibc's: the main thread's stack pointer at its start

namespace shim {

__thread int t_in_getattr __attribute__((tls_model("initial-exec"))) = 0;
__thread int t_unwinding __attribute__((tls_model("initial-exec"))) = 0;
// This thread has run libunwind outside a signal handler: its thread-local
// state exists (unwinder_ready_this_thread).
__thread bool t_unwinder_ready __attribute__((tls_model("initial-exec"))) = false;

namespace {

constexpr uint32_t kSets = 128;
constexpr uint32_t kWays = 4;
constexpr uint32_t kMaxDepth = shimlog::kMaxStackDepth;
// How far above the previous slot the next return address may sit: larger
// frames than this are not memoized (they still get their exact stack).
constexpr uint64_t kMaxFrameBytes = 64 * 1024;

struct MemoEntry {
    uint64_t return_address;  // key, with caller_sp; 0 = empty
    uint64_t caller_sp;
    uint64_t last_use;
    uint32_t stack_id;
    uint32_t slots;                     // validated slots: frames 1..depth-1
    uint32_t slot_offset[kMaxDepth];    // slot address - caller_sp
    uint64_t slot_value[kMaxDepth];     // the return address found there
};

// libunwind is opened privately (RTLD_LOCAL): linked normally it would put its
// own _Unwind_* and backtrace() into the program's global scope and change
// which unwinder the program's exceptions use.
using BacktraceFn = int (*)(void**, int);
std::atomic<BacktraceFn> g_unw_backtrace{nullptr};

// Until libunwind is loaded (or if it is missing): glibc's backtrace(), which
// loads libgcc's unwinder on first use. The shim does not link libgcc_s
// itself: its constructor's CPU feature probing (cpuid, which traps in a VM)
// cost 0.15 ms in every process, /bin/true included.
// glibc's backtrace dlopens libgcc_s at its first call: signals held then, as
// around the unwinder's own load.
int slow_backtrace(void** frames, int max) {
    static std::atomic<bool> g_loaded{false};
    if (g_loaded.load(std::memory_order_acquire)) return backtrace(frames, max);
    SignalsHeld held;
    int n = backtrace(frames, max);
    g_loaded.store(true, std::memory_order_release);
    return n;
}

std::atomic<uint32_t> g_verify_every{0};
std::atomic<uint64_t> g_verified{0};
std::atomic<uint64_t> g_mismatches{0};

}  // namespace

struct AllocStacks {
    AllocStacks* next;  // pool list
    std::atomic<bool> in_use;
    bool bounds_known;
    uint64_t stack_lo, stack_hi;  // this thread's stack, for bounded reads
    uint64_t clock;
    const MemoEntry* last;  // the entry hit last: a loop allocates from one place
    uint32_t hits_since_verify;
    MemoEntry entries[kSets][kWays];
};

namespace {

std::atomic<AllocStacks*> g_pool{nullptr};

void learn_stack_bounds(AllocStacks& memo) {
    memo.stack_lo = memo.stack_hi = 0;  // until known: no memo, a fresh unwind each time
    bool main_thread = thread_id() == log_pid();
    // Inside the program's own pthread_getattr_np glibc holds this thread's
    // lock while it allocates: asking for the attributes now would wait for
    // itself. The bounds are learnt at a later allocation.
    if (!main_thread && t_in_getattr > 0) return;
    memo.bounds_known = true;
    if (main_thread) {
        // The main thread: glibc's pthread_getattr_np would read and parse
        // /proc/self/maps for it (~80 us here, once per process). Its frames
        // all lie below the stack pointer the process started with, and the
        // stack grows down at most RLIMIT_STACK from there.
        uint64_t top = reinterpret_cast<uint64_t>(__libc_stack_end);
        rlimit limit;
        uint64_t size = getrlimit(RLIMIT_STACK, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY
                            ? uint64_t(limit.rlim_cur)
                            : uint64_t(1) << 30;
        memo.stack_hi = top;
        memo.stack_lo = top > size ? top - size : 0;
        return;
    }
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) != 0) return;
    void* base = nullptr;
    size_t size = 0;
    if (pthread_attr_getstack(&attr, &base, &size) == 0) {
        memo.stack_lo = reinterpret_cast<uint64_t>(base);
        memo.stack_hi = memo.stack_lo + size;
    }
    pthread_attr_destroy(&attr);
}

// Unwinds from here; returns the frames from the program's caller outwards.
// found_caller is false when the unwinder never reached return_address.
uint32_t unwind(uint64_t return_address, uint64_t* frames, bool* found_caller) {
    void* raw[kMaxDepth + 16];
    int n = capture_frames(raw, kMaxDepth + 16);
    int first = 0;
    while (first < n && reinterpret_cast<uint64_t>(raw[first]) != return_address) ++first;
    *found_caller = first < n;
    if (!*found_caller) {  // skip our own frames the slow way
        first = 0;
        while (first < n && in_shim(reinterpret_cast<uint64_t>(raw[first]))) ++first;
        frames[0] = return_address;
    }
    uint32_t depth = *found_caller ? 0 : 1;
    // The shim's own frames further out (a hooked printf whose stdio allocates
    // its buffer) are not the program's: the caller of the hook is.
    for (int i = first; i < n && depth < kMaxDepth; ++i)
        if (i == first || !in_shim(reinterpret_cast<uint64_t>(raw[i]))) frames[depth++] = reinterpret_cast<uint64_t>(raw[i]);
    return depth;
}

// Finds where each return address of the stack is stored, walking up from
// the caller's stack pointer. False when one cannot be found within bounds.
bool find_slots(const AllocStacks& memo, uint64_t caller_sp, const uint64_t* frames, uint32_t depth,
                MemoEntry& entry) {
    uint64_t at = caller_sp;
    entry.slots = 0;
    for (uint32_t i = 1; i < depth; ++i) {
        uint64_t limit = at + kMaxFrameBytes;
        if (limit > memo.stack_hi) limit = memo.stack_hi;
        bool found = false;
        for (; at + 8 <= limit; at += 8) {
            if (*reinterpret_cast<const uint64_t*>(at) == frames[i]) {
                found = true;
                break;
            }
        }
        if (!found) return false;
        entry.slot_offset[entry.slots] = static_cast<uint32_t>(at - caller_sp);
        entry.slot_value[entry.slots] = frames[i];
        entry.slots++;
        at += 8;
    }
    return true;
}

bool still_valid(const MemoEntry& entry, uint64_t caller_sp) {
    for (uint32_t i = 0; i < entry.slots; ++i)
        if (*reinterpret_cast<const uint64_t*>(caller_sp + entry.slot_offset[i]) != entry.slot_value[i])
            return false;
    return true;
}

uint32_t fresh_stack_id(uint64_t return_address) {
    uint64_t frames[kMaxDepth];
    bool found;
    uint32_t depth = unwind(return_address, frames, &found);
    return stack_intern(frames, depth);
}

__attribute__((noinline)) void verify_now(AllocStacks& memo, const MemoEntry& entry, uint64_t return_address) {
    ErrnoKeeper keep;  // the unwinder's calls
    memo.hits_since_verify = 0;
    g_verified.fetch_add(1, std::memory_order_relaxed);
    if (fresh_stack_id(return_address) != entry.stack_id) g_mismatches.fetch_add(1, std::memory_order_relaxed);
}

inline void verify(AllocStacks& memo, const MemoEntry& entry, uint64_t return_address) {
    uint32_t every = g_verify_every.load(std::memory_order_relaxed);
    if (__builtin_expect(every != 0, 0) && ++memo.hits_since_verify >= every) verify_now(memo, entry, return_address);
}

// Everything but a hit on the entry hit last: out of line, so the hot path
// stays a leaf without the frames array's stack frame.
__attribute__((noinline)) uint32_t looked_up_stack_id(AllocStacks* memo, uint64_t return_address,
                                                      uint64_t caller_sp) {
    ErrnoKeeper keep;  // the unwinder's and pthread_getattr_np's calls
    if (memo == nullptr) return fresh_stack_id(return_address);
    if (!memo->bounds_known) learn_stack_bounds(*memo);
    // Not on this thread's known stack (a coroutine, a signal stack): no memo.
    if (caller_sp < memo->stack_lo || caller_sp >= memo->stack_hi) return fresh_stack_id(return_address);

    uint64_t h = (return_address ^ (caller_sp * 0x9e3779b97f4a7c15ull)) * 0xff51afd7ed558ccdull;
    MemoEntry* set = memo->entries[(h >> 40) % kSets];
    memo->clock++;
    MemoEntry* victim = &set[0];
    for (uint32_t way = 0; way < kWays; ++way) {
        MemoEntry& entry = set[way];
        if (entry.return_address == return_address && entry.caller_sp == caller_sp &&
            still_valid(entry, caller_sp)) {
            entry.last_use = memo->clock;
            memo->last = &entry;
            verify(*memo, entry, return_address);
            return entry.stack_id;
        }
        if (entry.last_use < victim->last_use) victim = &entry;
    }

    uint64_t frames[kMaxDepth];
    bool found_caller;
    uint32_t depth = unwind(return_address, frames, &found_caller);
    uint32_t id = stack_intern(frames, depth);
    if (id != 0 && found_caller && find_slots(*memo, caller_sp, frames, depth, *victim)) {
        victim->return_address = return_address;
        victim->caller_sp = caller_sp;
        victim->stack_id = id;
        victim->last_use = memo->clock;
        memo->last = victim;
    } else {
        victim->return_address = 0;  // half-written: never match
    }
    return id;
}

}  // namespace

uint32_t alloc_stack_id(AllocStacks* memo, uint64_t return_address, uint64_t caller_sp) {
    // The last entry is set only once the bounds are known and caller_sp lay within them.
    const MemoEntry* last = memo != nullptr ? memo->last : nullptr;
    if (last != nullptr && last->return_address == return_address && last->caller_sp == caller_sp &&
        still_valid(*last, caller_sp)) {
        verify(*memo, *last, return_address);
        return last->stack_id;
    }
    return looked_up_stack_id(memo, return_address, caller_sp);
}

uint32_t handler_stack_id(uint64_t return_address) {
    if (t_unwinding == 0) return fresh_stack_id(return_address);
    return stack_intern(&return_address, 1);
}

namespace {

// libunwind is loaded at the first stack a process needs, not at start:
// loading it (and liblzma, its dependency) took 0.24 ms, nearly half of what
// the shim costs a process that never allocates (/bin/true).
enum class Unwinder { NotLoaded, Loading, Settled };
std::atomic<Unwinder> g_unwinder{Unwinder::NotLoaded};
// libunwind's thread-local block's module id (0: it has none), for
// unwinder_ready_this_thread.
std::atomic<size_t> g_unwinder_tls_module{0};

BacktraceFn load_unwinder() {
    Unwinder expected = Unwinder::NotLoaded;
    if (!g_unwinder.compare_exchange_strong(expected, Unwinder::Loading)) return nullptr;  // another thread is
    ErrnoKeeper keep;
    SignalsHeld held;  // dlopen allocates: a program handler that allocates must wait
    void* lib = dlopen("libunwind.so.8", RTLD_NOW | RTLD_LOCAL);
    void* fn = lib ? dlsym(lib, "unw_backtrace") : nullptr;
    size_t module = 0;
    if (fn != nullptr && dlinfo(lib, RTLD_DI_TLS_MODID, &module) == 0) g_unwinder_tls_module.store(module);
    uint64_t lo, hi;
    if (fn != nullptr && object_range(fn, &lo, &hi)) unwinder_set_code_range(lo, hi);
    g_unw_backtrace.store(reinterpret_cast<BacktraceFn>(fn), std::memory_order_release);
    g_unwinder.store(Unwinder::Settled, std::memory_order_release);
    return reinterpret_cast<BacktraceFn>(fn);
}

}  // namespace

int capture_frames(void** frames, int max) {
    BacktraceFn unwinder = g_unw_backtrace.load(std::memory_order_acquire);
    // The loader must not be entered from a signal handler (it may have
    // interrupted the loader itself) nor inside pthread_getattr_np: there the
    // stack is the call site alone until a later call loads it.
    bool may_load = t_signal_depth == 0 && t_in_getattr == 0;
    if (unwinder == nullptr && !may_load) return 0;
    LoaderWalk walk;  // dlopen, and both unwinders' look-ups of unwind tables, walk the loader's list
    if (!walk.entered()) return 0;
    if (unwinder == nullptr && g_unwinder.load(std::memory_order_acquire) == Unwinder::NotLoaded)
        unwinder = load_unwinder();
    ++t_unwinding;
    int n = unwinder ? unwinder(frames, max) : slow_backtrace(frames, max);
    unwinder_signals_restore();
    --t_unwinding;
    if (unwinder != nullptr && t_signal_depth == 0) t_unwinder_ready = true;
    return n;
}

// The loader's own function behind every general-dynamic TLS access: the
// first one for a module on a thread allocates the thread's block for it.
struct TlsIndex {
    unsigned long module, offset;
};
extern "C" void* __tls_get_addr(TlsIndex* index);

void unwinder_ready_this_thread() {
    if (t_unwinder_ready || t_signal_depth != 0 || g_unw_backtrace.load(std::memory_order_acquire) == nullptr) return;
    // Only the block: a first unwind would also make libunwind's trace cache
    // (an mmap, and a destructor taking a global lock at the thread's end):
    // ~120 us a thread, 3.9x on a thread per pixel.
    if (size_t module = g_unwinder_tls_module.load(std::memory_order_relaxed)) {
        ReentryGuard guard;  // its allocation is the shim's, not the program's
        TlsIndex index{module, 0};
        __tls_get_addr(&index);
    }
    t_unwinder_ready = true;
}

int capture_frames_in_signal(void** frames, int max, shimlog::CpuSampleDepth* why) {
    BacktraceFn unwinder = g_unw_backtrace.load(std::memory_order_acquire);
    *why = shimlog::CpuSampleDepth::NoUnwinder;
    if (unwinder == nullptr || !t_unwinder_ready) return 0;  // loading it, or its first use here, is not for a handler
    if (t_unwinding != 0) {
        *why = shimlog::CpuSampleDepth::InUnwinder;
        return 0;
    }
    LoaderWalk walk;  // a fork under way waits for no signal handler
    if (!walk.entered()) return 0;
    *why = shimlog::CpuSampleDepth::Full;
    ReentryGuard guard;  // libunwind's reads of its pipe are the shim's, not the program's
    ++t_unwinding;
    int n = unwinder(frames, max);
    unwinder_signals_restore();
    --t_unwinding;
    return n;
}

AllocStacks* alloc_stacks_acquire() {
    AllocStacks* memo = pool_acquire(g_pool);
    if (memo != nullptr) {
        memo->bounds_known = false;  // a different thread: a different stack
        memo->last = nullptr;
    }
    return memo;
}

void alloc_stacks_release(AllocStacks* memo) { pool_release(memo); }

void alloc_stacks_configure(uint32_t verify_every) {
    g_verify_every.store(verify_every);
}
uint64_t alloc_stacks_mismatches() { return g_mismatches.load(); }
uint64_t alloc_stacks_verified() { return g_verified.load(); }

}  // namespace shim
