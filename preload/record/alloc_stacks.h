// Full call stacks for allocations, cheap enough to take on every malloc.
//
// libunwind's unw_backtrace (~60-270 ns) is the unwinder; in front of it sits
// a per-thread validated memo: keyed by the caller's return address and stack
// pointer, each entry remembers the stack id and the address and value of
// every return-address slot the stack was read from. A hit re-reads those
// slots and compares them, so it is exact whenever the slots are, and costs a
// few loads instead of an unwind.
#pragma once
#include <cstdint>

#include "../../format/log_format.h"

namespace shim {

struct AllocStacks;  // per-thread memo, opaque

// The stack id of the allocation whose hook was entered with `return_address`
// and caller stack pointer `caller_sp` (the hook's CFA). `memo` may be null:
// then the stack is unwound without caching.
uint32_t alloc_stack_id(AllocStacks* memo, uint64_t return_address, uint64_t caller_sp);

// The stack of an allocation made by a signal handler that interrupted the
// shim: unwound afresh (no memo, which may be half-written beneath it), or
// just the handler's call site when it interrupted an unwind in progress.
uint32_t handler_stack_id(uint64_t return_address);

// The calling thread's return addresses, innermost first (the shim's own
// frames included): libunwind's unw_backtrace once loaded, glibc's
// backtrace() before that or without it. Counts in t_unwinding meanwhile.
int capture_frames(void** frames, int max);

// The same from the CPU profile's signal handler, which may have interrupted
// anything: only an unwinder already loaded and already used on this thread
// outside a handler, never inside the shim's own unwind on this thread, never
// while a fork waits for the loader's lock. 0 frames when one of those holds,
// and `why` says which.
int capture_frames_in_signal(void** frames, int max, shimlog::CpuSampleDepth* why);

// libunwind's first unwind on a thread allocates its thread-local state
// (dlopen'ed: the loader's __tls_get_addr calls malloc). From a handler that
// interrupted malloc that would wait for the arena lock the thread itself
// holds, for ever. So a thread's block is allocated here, outside any
// handler, at its start (cpu_profile_thread_start), or by its first unwind
// outside a handler (capture_frames).
void unwinder_ready_this_thread();

// Non-zero while this thread unwinds (libunwind's or libgcc's unwinder).
extern __thread int t_unwinding __attribute__((tls_model("initial-exec")));

// A memo for the calling thread, from a pool (a finished thread's memo is
// reused). Null if memory cannot be had.
AllocStacks* alloc_stacks_acquire();
void alloc_stacks_release(AllocStacks* memo);

// Verification settings (from the shim's constructor; libunwind itself is loaded
// at the first stack a process needs, capture_frames). With
// verify_every = N > 0, every Nth memo hit is compared with a fresh unwind;
// mismatches are counted and written to the log's ShimStats record.
void alloc_stacks_configure(uint32_t verify_every);
uint64_t alloc_stacks_mismatches();
uint64_t alloc_stacks_verified();

// Non-zero while this thread is inside the program's pthread_getattr_np
// (hooks_thread.cpp), where glibc holds the thread's own lock and allocates.
extern __thread int t_in_getattr __attribute__((tls_model("initial-exec")));

}  // namespace shim
