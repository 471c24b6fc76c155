// Buffered writes to the log file during a flush (one flusher at a time: the
// file lock's holder).
#pragma once
#include <cstddef>
#include <cstdint>

namespace shim {

// The descriptor writes go to; -1: none (not open, or a write failed).
void out_set_fd(int fd);
int out_fd();

// Appends to the buffer, writing it out each time it fills.
void out_write(const void* data, size_t size);

// Bytes ever taken for a descriptor (the log's size: log_file.cpp).
uint64_t out_taken();

// Writes out what the buffer holds. A failed write is said once, marks the
// log failed and drops the descriptor: the log ends there.
void out_drain();

// In a fork child: nothing buffered, nothing open.
void out_after_fork_child();

}  // namespace shim
