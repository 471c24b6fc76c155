// The arena: records made at run time (descriptors, stacks), kept in memory
// until a flush writes them. record_sink.h is its writers' side; this is the
// flush's side.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace shim {

// Events the shim could not keep, reported in the End record.
extern std::atomic<uint64_t> g_dropped;

// Writes the arena's complete records not yet written (a record is complete
// once its type is set) through `out`. Inside a flush, file lock held.
void arena_write_out(void (*out)(const void* data, size_t size));

// fork() must not copy a half-written arena record into the child: the fork
// first makes new writers wait, then waits for the running ones to finish.
void arena_hold_writers();
void arena_wait_for_writers();
void arena_release_writers();
// The child's log needs every definition again, and no writer of its parent
// is in it.
void arena_after_fork_child();
// A new recording window's log needs every definition again too.
void arena_write_all_again();

}  // namespace shim
