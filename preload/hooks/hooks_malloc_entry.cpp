// malloc and free, the calls a program makes most. Each entry point is one
// indirect jump through a target that follows recording (malloc_entry.h):
// the traced path while recording, else the real function (free through a
// frame-less check for blocks of the bootstrap arena). Built without frame
// pointers, so that the traced paths, entered by jumps, see the program's
// call as their return address and frame, as a stack capture needs.
#include "malloc_entry.h"

#include "../record/recording.h"
#include "bootstrap_arena.h"

namespace shim {

namespace {

// Paused free: the real one, but never for a block of the bootstrap arena
// (free_traced leaks those, as it does while recording).
void free_paused(void* ptr) {
    if (__builtin_expect(in_bootstrap_arena(ptr), 0)) return;
    real_free.loaded()(ptr);
}

}  // namespace

// Constant-initialised: the traced paths until the real functions are found
// and recording is off.
std::atomic<void* (*)(size_t)> g_malloc_target{malloc_traced};
std::atomic<void (*)(void*)> g_free_target{free_traced};

void malloc_entry_retarget() {
    // Written after each change of recording or of the real functions, and
    // read again after: of two threads retargeting at once (one switching
    // recording, one having just found a real function), the last store is
    // made from the last state (sequentially consistent).
    for (;;) {
        bool paused = !g_recording.load();
        auto real = real_malloc.loaded();
        bool real_free_known = real_free.loaded() != nullptr;
        g_malloc_target.store(paused && real != nullptr ? real : malloc_traced);
        g_free_target.store(paused && real_free_known ? free_paused : free_traced);
        if (g_recording.load() != !paused) continue;
        return;
    }
}

}  // namespace shim

extern "C" {
#pragma GCC visibility push(default)  // the hooks: what the program links to

void* malloc(size_t size) { return shim::g_malloc_target.load(std::memory_order_relaxed)(size); }

void free(void* ptr) { return shim::g_free_target.load(std::memory_order_relaxed)(ptr); }

#pragma GCC visibility pop
}  // extern "C"
