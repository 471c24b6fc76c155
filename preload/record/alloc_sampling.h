// Sampling mode (SHIM_ALLOC_SAMPLE=N) for allocation-heavy long runs: every
// allocation is counted exactly per stack, but only about one per N bytes
// becomes an event, and only those blocks' frees are recorded. The log stays
// small and the per-event costs (the global sequence number, encoding,
// compression) are paid rarely; the stack lookup (the memo) still runs.
#pragma once
#include <cstddef>
#include <cstdint>

namespace shim {

void sampling_init();  // reads SHIM_ALLOC_SAMPLE
bool sampling_on();
// The disk budget's switch (log/budget.h): sampling about every mean_bytes
// from now on, unless sampling already. sampling_restore: back to the mode
// SHIM_ALLOC_SAMPLE chose, while nothing records (a new window).
void sampling_begin(uint64_t mean_bytes);
void sampling_restore();

// Per-thread state: the byte countdown and the exact counts by stack.
struct SamplingState;
SamplingState* sampling_acquire();         // for a new thread (pooled)
void sampling_release(SamplingState* state);

// Counts the allocation; true when it is to be recorded as an event.
bool sampling_count(SamplingState* state, uint32_t stack_id, size_t size);
// A sampled block was recorded (false: the set of sampled blocks is full,
// record nothing). sampling_forget: true when ptr was sampled (its free is
// then recorded), counting every free either way.
bool sampling_remember(const void* ptr);
bool sampling_forget(SamplingState* state, const void* ptr);

// Writes the AllocCounts snapshot (inside log_flush and checkpoints).
void sampling_write_counts();
void sampling_after_fork_child();

}  // namespace shim
