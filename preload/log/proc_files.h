// Small /proc files, read by the shim for itself (its reads go through its own
// hooks, which a ReentryGuard makes pass straight through).
#pragma once
#include <cstddef>

namespace shim {

// Reads a small /proc file into buf (up to cap bytes); returns its length, 0
// when it cannot be read. Its reads go through the shim's own hooks.
size_t read_proc_file(const char* path, char* buf, size_t cap);

// Whether a /proc file holds `needle`, read in blocks with a tail kept so a
// match split across two blocks is still found. -1: it cannot be read. The
// first block starts after a NUL, so "\0NAME=" also matches the first entry
// of a NUL-separated file.
int proc_file_contains(const char* path, const char* needle, size_t needle_len);

// /proc/self/exe's target (NUL-terminated, "" when it cannot be read), read
// once per image: the Process record and the module map both need it.
const char* self_exe_path();

}  // namespace shim
