// Descriptor identity: each (descriptor, open) gets a file id and a File record
// (path, kind) the first time the program does I/O on it. A closed and reused
// descriptor gets a new id, so two files' counters never mix.
#pragma once
#include <atomic>
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

constexpr int kTrackedFds = 1 << 16;
constexpr int64_t kUnknownPosition = -1;

// One per descriptor number. Written by whichever thread does I/O on it;
// relaxed atomics are enough: these are statistics, not synchronisation.
// In the header only for file_access_known, the I/O hooks' fast lane.
struct FdState {
    std::atomic<uint32_t> file_id;
    std::atomic<bool> stream;        // pipe, socket, tty: no offsets
    std::atomic<int64_t> position;   // where a read()/write() would start
    std::atomic<int64_t> last_end;   // where the previous access ended
};
extern FdState g_fds[kTrackedFds];

// What a transfer of `bytes` >= 0 on a registered descriptor tells of its
// access pattern; moves the tracked position of read()/write()-style calls.
inline __attribute__((always_inline)) FileAccess account(FdState& state, uint32_t id, bool first, int64_t offset,
                                                         int64_t bytes) {
    if (state.stream.load(std::memory_order_relaxed)) return {id, !first, !first};

    int64_t start = offset;
    if (offset < 0) {  // read()/write(): at the current position, which then moves
        start = state.position.load(std::memory_order_relaxed);
        if (start != kUnknownPosition)
            state.position.store(start + bytes, std::memory_order_relaxed);
    }
    int64_t last_end = state.last_end.load(std::memory_order_relaxed);
    FileAccess access{id, false, false, start};
    if (start != kUnknownPosition && last_end != kUnknownPosition) {
        access.consecutive = start == last_end;
        access.sequential = start >= last_end;
    }
    state.last_end.store(start == kUnknownPosition ? kUnknownPosition : start + bytes,
                         std::memory_order_relaxed);
    return access;
}

// file_access for a call that moved `bytes` >= 0 on a descriptor already
// known as `file_id`, without registering it: false, with nothing done, when
// fd is not (or no longer) that file; then the caller takes file_access.
inline __attribute__((always_inline)) bool file_access_known(int fd, uint32_t file_id, int64_t offset,
                                                             int64_t bytes, FileAccess* access) {
    if (fd < 0 || fd >= kTrackedFds || file_id == kUntrackedFile) return false;
    FdState& state = g_fds[fd];
    if (state.file_id.load(std::memory_order_relaxed) != file_id) return false;
    *access = account(state, file_id, false, offset, bytes);
    return true;
}

// The program closed fd, or got it anew (open, dup, socket, ...): forget it.
void forget_fd(int fd);

// The program moved fd's position (lseek).
void set_fd_position(int fd, int64_t position);

}  // namespace shim
