// Descriptor identity: each (descriptor, open) gets a file id and a File record
// (path, kind) the first time the program does I/O on it. A closed and reused
// descriptor gets a new id, so two files' counters never mix.
#pragma once
#include <cstdint>

namespace shim {

constexpr uint32_t kUntrackedFile = 0;  // negative or very large descriptors

struct FileAccess {
    uint32_t file_id;
    bool consecutive;  // started exactly where the previous access on it ended
    bool sequential;   // started at or after that point
    int64_t start = -1;  // the offset it started at; -1 when unknown (a pipe, a failed call)
};

// Accounts one completed transfer of `bytes` on fd. `offset` is the explicit
// offset of pread/pwrite-style calls, or -1 for calls at the current position.
FileAccess file_access(int fd, int64_t offset, int64_t bytes);

// The program closed fd, or got it anew (open, dup, socket, ...): forget it.
void forget_fd(int fd);

// The program moved fd's position (lseek).
void set_fd_position(int fd, int64_t position);

}  // namespace shim
