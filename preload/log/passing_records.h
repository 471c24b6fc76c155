// Records that nothing in the shim reads back once made (a thread's life):
// unlike the arena (arena.h), whose stack records the stack table points
// into, their memory can be given back as soon as they are written out. A
// program that starts threads all day keeps the shim's memory flat.
#pragma once
#include <initializer_list>

#include "record_sink.h"

namespace shim {

// Lock-free and allocation-free, from any thread. Dropped (and counted) when
// the current half is full: more than kPassingHalfBytes between two flushes.
void passing_record(shimlog::RecordType type, std::initializer_list<Bytes> parts);

// Inside a flush, with the file lock held: writes out the records made since
// the last one, through `out`, and releases their pages.
void passing_write_out(void (*out)(const void* data, size_t size));

// Around fork: no record half written in the child's copy, and the child
// starts empty (the parent's records are the parent's to write).
void passing_before_fork();
void passing_after_fork_parent();
void passing_after_fork_child();

}  // namespace shim
