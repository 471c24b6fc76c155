// malloc and free, split in two: the entry points (hooks_malloc_entry.cpp,
// built without frame pointers) are a few instructions when recording is
// off (SHIM_START=paused, between windows), and otherwise tail-call the
// traced paths here (hooks_malloc.cpp), whose return address and frame are
// then the program's call, as a stack capture needs.
#pragma once
#include <cstddef>

#include "interpose.h"

namespace shim {

// Set while dlsym runs on this thread: allocations then come from the
// bootstrap arena (bootstrap_arena.h).
extern __thread bool t_resolving __attribute__((tls_model("initial-exec")));  // __thread: no C++ init wrapper
extern RealFunction<void* (*)(size_t)> real_malloc;
extern RealFunction<void (*)(void*)> real_free;

// Entered by tail calls only (tests/tools/check_mutex_tail_calls.py checks).
void* malloc_traced(size_t size);
void free_traced(void* ptr);

}  // namespace shim
