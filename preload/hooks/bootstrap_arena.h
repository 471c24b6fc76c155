// Memory for the allocator's own bootstrap: dlsym (which finds the real
// malloc) may itself call malloc or calloc. Those few early requests are
// served from a static arena that free and realloc recognise.
#pragma once
#include <cstddef>

namespace shim {

void* bootstrap_alloc(size_t size, size_t alignment = 16);
bool in_bootstrap_arena(const void* ptr);
size_t bootstrap_size(const void* ptr);  // usable size of an arena block

}  // namespace shim
