// The malloc family. Each hook calls the real allocator, then records the
// event (alloc_events.h). C++ operator new/delete arrive here through malloc
// and free. Until the real functions are found, dlsym's own requests are
// served from the bootstrap arena.
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <malloc.h>

#include "../record/alloc_events.h"
#include "../record/recording.h"
#include "bootstrap_arena.h"
#include "interpose.h"
#include "malloc_entry.h"

using shim::RealFunction;
using shim::real_free;
using shim::real_malloc;
using shim::t_resolving;

namespace shim {

__thread bool t_resolving __attribute__((tls_model("initial-exec"))) = false;
RealFunction<void* (*)(size_t)> real_malloc("malloc");
RealFunction<void (*)(void*)> real_free("free");

}  // namespace shim

namespace {

template <typename Fn>
inline Fn real_of(RealFunction<Fn>& f) {
    if (Fn fn = f.loaded()) return fn;
    t_resolving = true;
    Fn fn = f.get();
    t_resolving = false;
    return fn;
}

RealFunction<void* (*)(size_t, size_t)> real_calloc("calloc");
RealFunction<void* (*)(void*, size_t)> real_realloc("realloc");
RealFunction<void* (*)(void*, size_t, size_t)> real_reallocarray("reallocarray");
RealFunction<int (*)(void**, size_t, size_t)> real_posix_memalign("posix_memalign");
RealFunction<void* (*)(size_t, size_t)> real_aligned_alloc("aligned_alloc");
RealFunction<void* (*)(size_t, size_t)> real_memalign("memalign");
RealFunction<void* (*)(size_t)> real_valloc("valloc");
RealFunction<void* (*)(size_t)> real_pvalloc("pvalloc");
RealFunction<size_t (*)(void*)> real_malloc_usable_size("malloc_usable_size");

// The program's call: our return address and our caller's stack pointer
// (this frame's CFA: frame pointer + saved rbp + return address). In
// malloc_traced and free_traced too: they are entered by jumps.
#define CALLER_PC reinterpret_cast<uint64_t>(__builtin_return_address(0))
#define CALLER_SP (reinterpret_cast<uint64_t>(__builtin_frame_address(0)) + 16)

// Records an allocation the real allocator made, keeping its errno: the
// program's, or a signal handler's that interrupted the shim (interpose.h).
// record_alloc and record_free keep errno themselves, on their rare paths
// that make calls: the common path touches no errno.
inline void note_alloc(const shim::ReentryGuard& guard, const void* ptr, size_t size, uint64_t pc, uint64_t sp) {
    if (ptr == nullptr) return;
    if (guard.entered()) {
        shim::record_alloc(ptr, size, pc, sp);
    } else if (__builtin_expect(shim::called_by_handler_over_shim(), 0)) {
        shim::ErrnoKeeper keep;
        shim::record_alloc_in_handler(ptr, size, pc);
    }
}

// realloc and reallocarray: the old block's free takes its place in the
// order before the call; both events are written only once it succeeded.
void* traced_realloc(void* old, size_t size, void* result, uint64_t free_seq,
                     const shim::ReentryGuard& guard, uint64_t pc, uint64_t sp) {
    if (!guard.entered()) {
        if (__builtin_expect(shim::called_by_handler_over_shim(), 0) && (result != nullptr || size == 0)) {
            shim::ErrnoKeeper keep;
            if (old != nullptr) shim::record_free_in_handler(old);
            if (result != nullptr) shim::record_alloc_in_handler(result, size, pc);
        }
        return result;
    }
    {
        shim::ErrnoKeeper keep;
        // glibc's realloc(p, 0) frees p and returns NULL; a NULL otherwise means p is untouched.
        if (old != nullptr && (result != nullptr || size == 0)) shim::record_free_at(old, free_seq);
    }
    note_alloc(guard, result, size, pc, sp);
    return result;
}

void* realloc_from_arena(void* old, size_t size) {
    void* fresh = t_resolving ? shim::bootstrap_alloc(size) : malloc(size);
    if (fresh != nullptr && old != nullptr) {
        size_t old_size = shim::bootstrap_size(old);
        memcpy(fresh, old, old_size < size ? old_size : size);
    }
    return fresh;
}

}  // namespace

namespace shim {

// malloc and free themselves are in hooks_malloc_entry.cpp (malloc_entry.h).
// They jump to these while recording, and until the real functions are
// found: only then is recording tested again (a paused process's first calls).
__attribute__((noinline)) void* malloc_traced(size_t size) {
    if (t_resolving) return shim::bootstrap_alloc(size);
    auto real = real_malloc.loaded();
    if (__builtin_expect(real == nullptr, 0)) {
        real = real_of(real_malloc);
        if (real == nullptr) return shim::bootstrap_alloc(size);
        shim::malloc_entry_retarget();
        if (!shim::recording()) return real(size);  // paused (recording.h)
    }
    shim::ReentryGuard guard;
    void* ptr = real(size);
    note_alloc(guard, ptr, size, CALLER_PC, CALLER_SP);
    return ptr;
}

__attribute__((noinline)) void free_traced(void* ptr) {
    // While dlsym looks up the real functions it may free its own error
    // strings: leak those few bytes rather than recurse into dlsym.
    if (ptr == nullptr || shim::in_bootstrap_arena(ptr) || t_resolving) return;
    auto real = real_free.loaded();
    if (__builtin_expect(real == nullptr, 0)) {
        real = real_of(real_free);
        if (real == nullptr) return;  // cannot happen once malloc worked; leak rather than crash
        shim::malloc_entry_retarget();
        if (!shim::recording()) return real(ptr);  // paused (recording.h)
    }
    shim::ReentryGuard guard;
    if (guard.entered()) {
        shim::record_free(ptr);  // leaves errno as it was, as free must
    } else if (__builtin_expect(shim::called_by_handler_over_shim(), 0)) {
        shim::ErrnoKeeper keep;
        shim::record_free_in_handler(ptr);
    }
    real(ptr);
}

}  // namespace shim

extern "C" {
#pragma GCC visibility push(default)  // the hooks: what the program links to

void* calloc(size_t count, size_t size) {
    size_t bytes;
    if (__builtin_mul_overflow(count, size, &bytes)) bytes = SIZE_MAX;
    if (t_resolving) return shim::bootstrap_alloc(bytes);  // the arena is zeroed
    auto real = real_of(real_calloc);
    if (real == nullptr) return shim::bootstrap_alloc(bytes);
    if (!shim::recording()) return real(count, size);  // paused (recording.h)
    shim::ReentryGuard guard;
    void* ptr = real(count, size);
    note_alloc(guard, ptr, bytes, CALLER_PC, CALLER_SP);
    return ptr;
}

void* realloc(void* old, size_t size) {
    if (t_resolving || (old != nullptr && shim::in_bootstrap_arena(old))) return realloc_from_arena(old, size);
    auto real = real_of(real_realloc);
    if (real == nullptr) return nullptr;
    if (!shim::recording()) return real(old, size);  // paused (recording.h)
    shim::ReentryGuard guard;
    shim::AllocSpan span(guard.entered());
    uint64_t seq = old != nullptr && guard.entered() ? shim::reserve_sequence() : 0;
    void* result = real(old, size);
    return traced_realloc(old, size, result, seq, guard, CALLER_PC, CALLER_SP);
}

void* reallocarray(void* old, size_t count, size_t size) {
    size_t bytes;
    if (__builtin_mul_overflow(count, size, &bytes)) {
        errno = ENOMEM;
        return nullptr;
    }
    if (t_resolving || (old != nullptr && shim::in_bootstrap_arena(old))) return realloc_from_arena(old, bytes);
    auto real = real_of(real_reallocarray);
    if (real == nullptr) return nullptr;
    if (!shim::recording()) return real(old, count, size);  // paused (recording.h)
    shim::ReentryGuard guard;
    shim::AllocSpan span(guard.entered());
    uint64_t seq = old != nullptr && guard.entered() ? shim::reserve_sequence() : 0;
    void* result = real(old, count, size);
    return traced_realloc(old, bytes, result, seq, guard, CALLER_PC, CALLER_SP);
}

int posix_memalign(void** out, size_t alignment, size_t size) {
    if (t_resolving) {
        *out = shim::bootstrap_alloc(size, alignment);
        return *out ? 0 : ENOMEM;
    }
    auto real = real_of(real_posix_memalign);
    if (real == nullptr) return ENOMEM;
    if (!shim::recording()) return real(out, alignment, size);  // paused (recording.h)
    shim::ReentryGuard guard;
    int result = real(out, alignment, size);
    if (result == 0) note_alloc(guard, *out, size, CALLER_PC, CALLER_SP);
    return result;
}

void* aligned_alloc(size_t alignment, size_t size) {
    if (t_resolving) return shim::bootstrap_alloc(size, alignment);
    auto real = real_of(real_aligned_alloc);
    if (real == nullptr) return nullptr;
    if (!shim::recording()) return real(alignment, size);  // paused (recording.h)
    shim::ReentryGuard guard;
    void* ptr = real(alignment, size);
    note_alloc(guard, ptr, size, CALLER_PC, CALLER_SP);
    return ptr;
}

void* memalign(size_t alignment, size_t size) {
    if (t_resolving) return shim::bootstrap_alloc(size, alignment);
    auto real = real_of(real_memalign);
    if (real == nullptr) return nullptr;
    if (!shim::recording()) return real(alignment, size);  // paused (recording.h)
    shim::ReentryGuard guard;
    void* ptr = real(alignment, size);
    note_alloc(guard, ptr, size, CALLER_PC, CALLER_SP);
    return ptr;
}

void* valloc(size_t size) {
    if (t_resolving) return shim::bootstrap_alloc(size, 4096);
    auto real = real_of(real_valloc);
    if (real == nullptr) return nullptr;
    if (!shim::recording()) return real(size);  // paused (recording.h)
    shim::ReentryGuard guard;
    void* ptr = real(size);
    note_alloc(guard, ptr, size, CALLER_PC, CALLER_SP);
    return ptr;
}

void* pvalloc(size_t size) {
    if (t_resolving) return shim::bootstrap_alloc(size, 4096);
    auto real = real_of(real_pvalloc);
    if (real == nullptr) return nullptr;
    if (!shim::recording()) return real(size);  // paused (recording.h)
    shim::ReentryGuard guard;
    void* ptr = real(size);
    note_alloc(guard, ptr, size, CALLER_PC, CALLER_SP);
    return ptr;
}

size_t malloc_usable_size(void* ptr) {
    if (ptr != nullptr && shim::in_bootstrap_arena(ptr)) return shim::bootstrap_size(ptr);
    auto real = real_of(real_malloc_usable_size);
    return real ? real(ptr) : 0;
}

#pragma GCC visibility pop
}  // extern "C"
