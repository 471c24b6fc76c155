#include "alloc_chunk_reader.h"

#include <limits>

#include "chunk_unpack.h"

namespace analyzer {

using shimlog::AllocTag;

UnpackedChunk unpack_alloc_chunk(const AllocChunk& chunk) {
    UnpackedChunk out;
    std::string why;
    if (!unpack_chunk(chunk.compression, chunk.raw_size, chunk.body, chunk.body_size, out.events, why)) {
        out.error = "thread " + std::to_string(chunk.tid) + "'s allocation chunk cannot be unpacked: " + why;
        out.events.clear();
    }
    return out;
}

AllocChunkReader::AllocChunkReader(const AllocChunk& chunk, UnpackedChunk unpacked)
    : chunk_(chunk),
      events_bytes_(std::move(unpacked.events)),
      pos_(reinterpret_cast<const uint8_t*>(events_bytes_.data())),
      end_(pos_ + events_bytes_.size()),
      seq_(chunk.first_seq),
      ticks_(chunk.first_ticks),
      tid_(chunk.tid),
      error_(std::move(unpacked.error)) {}

bool AllocChunkReader::fail(const std::string& what) {
    error_ = what + " in the allocation events of thread " + std::to_string(chunk_.tid) + " (event " +
             std::to_string(events_ + 1) + ")";
    return false;
}

bool AllocChunkReader::next(AllocEvent& out) {
    while (!failed() && pos_ < end_) {
        uint8_t tag = *pos_++;
        uint64_t value = 0;
        if (tag == static_cast<uint8_t>(AllocTag::Time)) {
            if (!shimlog::get_varint(&pos_, end_, &value)) return fail("a truncated time mark");
            ticks_ += value;
            continue;
        }
        if (tag == static_cast<uint8_t>(AllocTag::Thread)) {
            if (!shimlog::get_varint(&pos_, end_, &value) || value > std::numeric_limits<uint32_t>::max())
                return fail("a truncated or impossible thread id");
            tid_ = static_cast<uint32_t>(value);
            continue;
        }
        if (tag != static_cast<uint8_t>(AllocTag::Alloc) && tag != static_cast<uint8_t>(AllocTag::Free))
            return fail("an unknown event tag");
        if (events_ == chunk_.event_count) return fail("more events than the chunk header counts");
        // Deltas wrap: a realloc's free keeps the sequence number it reserved
        // before the call, so a signal handler's event may come between.
        if (!shimlog::get_varint(&pos_, end_, &value)) return fail("a truncated sequence number");
        seq_ += value;
        out.is_alloc = tag == static_cast<uint8_t>(AllocTag::Alloc);
        out.seq = seq_;
        out.stack_id = 0;
        out.size = 0;
        if (out.is_alloc) {
            uint64_t stack = 0;
            if (!shimlog::get_varint(&pos_, end_, &stack) || !shimlog::get_varint(&pos_, end_, &out.size))
                return fail("a truncated allocation");
            if (stack > std::numeric_limits<uint32_t>::max()) return fail("a stack id out of range");
            out.stack_id = static_cast<uint32_t>(stack);
        }
        if (!shimlog::get_varint(&pos_, end_, &value)) return fail("a truncated pointer");
        ptr_ += static_cast<uint64_t>(shimlog::unzigzag(value));
        out.ptr = ptr_;
        out.ticks = ticks_;
        out.tid = tid_;
        events_++;
        return true;
    }
    if (!failed() && events_ != chunk_.event_count)
        error_ = "thread " + std::to_string(chunk_.tid) + "'s allocation chunk holds " + std::to_string(events_) +
                 " events where its header counts " + std::to_string(chunk_.event_count);
    return false;
}

}  // namespace analyzer
