// The module map: which ELF objects are mapped where, for offline symbolization.
#pragma once
#include <cstddef>
#include <cstdint>

namespace shim {

// Writes a Module record per loaded object (inside log_flush).
void write_module_map();

// The shim's own path, as the loader mapped it. False if unknown.
bool shim_library_path(char* out, size_t cap);

// The address range of the loaded object that holds addr. False if none does.
bool object_range(const void* addr, uint64_t* lo, uint64_t* hi);

// True when addr lies in the shim's own code (frames to drop from stacks).
bool in_shim(uint64_t addr);

}  // namespace shim
