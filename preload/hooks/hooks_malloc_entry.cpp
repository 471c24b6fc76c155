// malloc and free, the calls a program makes most. With recording off (a
// paused process, the gap between windows) the real function is reached in
// a few instructions and no frame: a flag, the resolving mark, the pointer,
// one jump (this file is built without frame pointers). Otherwise, and until
// the real functions are found, a tail call to the traced path
// (malloc_entry.h).
#include "../record/recording.h"
#include "bootstrap_arena.h"
#include "malloc_entry.h"

extern "C" {
#pragma GCC visibility push(default)  // the hooks: what the program links to

void* malloc(size_t size) {
    if (!shim::recording() && !shim::t_resolving)
        if (auto real = shim::real_malloc.loaded()) return real(size);
    return shim::malloc_traced(size);
}

void free(void* ptr) {
    if (!shim::recording() && !shim::t_resolving && !shim::in_bootstrap_arena(ptr))
        if (auto real = shim::real_free.loaded()) return real(ptr);
    return shim::free_traced(ptr);
}

#pragma GCC visibility pop
}  // extern "C"
