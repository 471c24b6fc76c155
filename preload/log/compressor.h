// zstd for allocation chunks. A small pool of compression contexts, each
// taken with a try-lock: a thread that finds none free (or a signal handler
// interrupting a compression) writes its chunk uncompressed instead of waiting.
#pragma once
#include <cstddef>
#include <cstdint>

namespace shim {

struct Compressed {
    const void* data;  // valid until compressor_done(handle)
    size_t size;
    int handle;        // -1: nothing to release (not compressed)
};

// Compresses src if a context is free and the result is smaller.
Compressed compress_chunk(const void* src, size_t size);
void compressor_done(int handle);

}  // namespace shim

namespace shim {
// In a fork child: contexts other threads held at the fork are free again
// (each compression starts from a reset context).
void compressor_after_fork_child();
}  // namespace shim
