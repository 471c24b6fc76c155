// The encodings of the packed events inside records (log_format.h): allocation
// events (AllocChunk), CPU samples (SampleChunk) and the exit scan's pairs
// (ExitScan), written once for both sides that write them: the shim's
// recorders (preload/record/) and the tests' log builder
// (tests/unit/log_builder.h). The analyzer's decoder reads the same bytes.
// Allocation-free, no exceptions: the shim's hot path inlines these.
#pragma once
#include <cstdint>

#include "log_format.h"

namespace shimlog {

// ---- allocation events (AllocTag) ----

// An event's tag and its sequence delta from the previous event's (the first
// event of a chunk counts from the chunk's first_seq). Returns past them.
inline uint8_t* put_event_start(uint8_t* out, AllocTag tag, uint64_t seq, uint64_t& prev_seq) {
    *out++ = static_cast<uint8_t>(tag);
    out = put_varint(out, seq - prev_seq);
    prev_seq = seq;
    return out;
}

// An Alloc event's stack id and size, between its start and its pointer.
inline uint8_t* put_alloc_fields(uint8_t* out, uint32_t stack, uint64_t size) {
    out = put_varint(out, stack);
    return put_varint(out, size);
}

// A pointer: zigzag delta from the chunk's previous pointer (starting at 0).
inline uint8_t* put_event_pointer(uint8_t* out, uint64_t ptr, uint64_t& prev_ptr) {
    out = put_varint(out, zigzag(static_cast<int64_t>(ptr - prev_ptr)));
    prev_ptr = ptr;
    return out;
}

// A clock mark: ticks since the previous mark (or the chunk's first_ticks).
inline uint8_t* put_time_mark(uint8_t* out, uint64_t ticks_later) {
    *out++ = static_cast<uint8_t>(AllocTag::Time);
    return put_varint(out, ticks_later);
}

// The events that follow are this thread's.
inline uint8_t* put_thread_mark(uint8_t* out, uint32_t tid) {
    *out++ = static_cast<uint8_t>(AllocTag::Thread);
    return put_varint(out, tid);
}

// ---- CPU samples (SampleTag): a tag, then two varints ----
inline uint8_t* put_sample_event(uint8_t* out, SampleTag tag, uint64_t a, uint64_t b) {
    *out++ = static_cast<uint8_t>(tag);
    out = put_varint(out, a);
    return put_varint(out, b);
}

// ---- the exit scan's pairs: where (in words) and the value found there,
// each a delta from the previous pair of the record (starting at 0) ----
inline uint8_t* put_scan_pair(uint8_t* out, uint64_t where, uint64_t value, uint64_t& prev_where,
                              uint64_t& prev_value) {
    out = put_varint(out, (where - prev_where) / 8);
    out = put_varint(out, zigzag(int64_t(value - prev_value)));
    prev_where = where;
    prev_value = value;
    return out;
}

}  // namespace shimlog
