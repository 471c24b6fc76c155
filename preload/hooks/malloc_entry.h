// malloc and free, split in two: the entry points (hooks_malloc_entry.cpp,
// built without frame pointers) jump to a target: the real function when
// recording is off (SHIM_START=paused, between windows), otherwise the traced
// paths here (hooks_malloc.cpp), whose return address and frame are then the
// program's call, as a stack capture needs.
#pragma once
#include <atomic>
#include <cstddef>

#include "interpose.h"

namespace shim {

// Set while dlsym runs on this thread: allocations then come from the
// bootstrap arena (bootstrap_arena.h).
extern __thread bool t_resolving __attribute__((tls_model("initial-exec")));  // __thread: no C++ init wrapper
extern RealFunction<void* (*)(size_t)> real_malloc;
extern RealFunction<void (*)(void*)> real_free;

// Entered by jumps only (tests/tools/check_mutex_tail_calls.py checks).
void* malloc_traced(size_t size);
void free_traced(void* ptr);

// Where malloc and free jump.
extern std::atomic<void* (*)(size_t)> g_malloc_target;
extern std::atomic<void (*)(void*)> g_free_target;

// Points the entries at the real functions while recording is off and they
// are known, else at the traced paths: after recording is switched and
// after a real function is found.
void malloc_entry_retarget();

}  // namespace shim
