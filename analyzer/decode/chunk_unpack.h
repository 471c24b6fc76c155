// The body of an AllocChunk or SampleChunk record: stored as is, or one zstd
// frame. Exactly raw_size bytes come out, never more, however the chunk claims
// to be compressed: one chunk costs at most kMaxChunkRawSize of memory.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace analyzer {

// False, with the reason in `why`, when the body is not what its header says.
bool unpack_chunk(uint8_t compression, uint32_t raw_size, const char* body, size_t body_size, std::string& out,
                  std::string& why);

}  // namespace analyzer
