// Call stacks: captured rarely here, deduplicated, each unique stack written
// to the log once as a Stack record and referred to by its id.
#pragma once
#include <cstdint>

namespace shim {

// The id of this stack (innermost frame first), adding it if new. Lock-free.
// 0 when the table is full or the stack is empty.
uint32_t stack_intern(const uint64_t* frames, uint32_t depth);

// Captures the caller's stack for a call site seen for the first time
// (capture_frames: libunwind, rare here). Frames inside the shim are
// dropped, so the stack starts at `site` (the return address into the
// program). Returns the stack's id.
uint32_t capture_site_stack(uint64_t site);

// The same, captured only the first time `site` is seen (a thread's creation
// site is hit once per thread: 100,000 threads need one capture, not 100,000).
uint32_t site_stack_id(uint64_t site);

}  // namespace shim
