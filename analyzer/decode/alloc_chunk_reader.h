// Reads the encoded events of one AllocChunk (format/log_format.h, AllocTag):
// a tag byte, then varints; sequence numbers and pointers are deltas.
// Chunk bytes are untrusted: every read is bounded, and a bad event stops
// the reader with a reason instead of producing garbage.
#pragma once
#include <cstdint>
#include <string>

#include "../model/model.h"

namespace analyzer {

struct AllocEvent {
    bool is_alloc = false;  // else a Free
    uint64_t seq = 0;
    uint32_t stack_id = 0;  // Alloc only
    uint64_t size = 0;      // Alloc only
    uint64_t ptr = 0;
    uint64_t ticks = 0;     // the chunk's latest clock mark at this event
    uint32_t tid = 0;       // the thread that made it
};

// A chunk's body unpacked (chunk_unpack.h), or why it could not be.
struct UnpackedChunk {
    std::string events;  // the encoded events
    std::string error;   // set when unpacking failed; events is then empty
};
UnpackedChunk unpack_alloc_chunk(const AllocChunk& chunk);

// Holds one chunk's unpacked events (at most kMaxChunkRawSize bytes) while
// it reads them.
class AllocChunkReader {
public:
    explicit AllocChunkReader(const AllocChunk& chunk) : AllocChunkReader(chunk, unpack_alloc_chunk(chunk)) {}
    AllocChunkReader(const AllocChunk& chunk, UnpackedChunk unpacked);
    // The next Alloc or Free (Time marks only move `ticks`); false at the end
    // of the chunk or at a malformed body or event (then error() says which),
    // including a count of events other than the header's.
    bool next(AllocEvent& out);
    bool failed() const { return !error_.empty(); }
    const std::string& error() const { return error_; }
    uint32_t events_read() const { return events_; }

private:
    bool fail(const std::string& what);
    const AllocChunk& chunk_;
    std::string events_bytes_;
    const uint8_t* pos_;
    const uint8_t* end_;
    uint64_t seq_;
    uint64_t ptr_ = 0;
    uint64_t ticks_;
    uint32_t tid_;
    uint32_t events_ = 0;
    std::string error_;
};

}  // namespace analyzer
