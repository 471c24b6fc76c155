// libunwind checks that memory is readable before it reads a frame it has no
// unwind table for (signal frames, code built without them): it writes a
// byte of the address into a pipe that it keeps open for the life of the
// process, and reads it back. Left to itself it holds the program's lowest
// free descriptors (3 and 4), which a daemon closes and reuses for its own
// files: libunwind then read and wrote *those* (tests/programs/fd_reuse.c).
//
// So libunwind's pipe is made here: its two ends are moved to the top of the
// descriptor range, close-on-exec, and their identity kept; before each check
// (libunwind reads the pipe first, through our read hook) both numbers must
// still be that pipe. If the program closed or replaced either, the read
// fails as on a closed pipe and libunwind opens a new one, here again; its
// close of the old numbers then never touches what the program put there.
#pragma once
#include <sys/types.h>

#include <atomic>
#include <cstdint>

namespace shim {

// Where libunwind's code lies, once it is loaded (alloc_stacks_configure).
void unwinder_set_code_range(uint64_t lo, uint64_t hi);
// True when `return_address` is in libunwind: the call is libunwind's own.
bool called_from_unwinder(const void* return_address);

extern std::atomic<int> g_unwinder_pipe[2];  // -1: none
inline bool is_unwinder_pipe(int fd) {
    return fd >= 0 && (fd == g_unwinder_pipe[0].load(std::memory_order_relaxed) ||
                       fd == g_unwinder_pipe[1].load(std::memory_order_relaxed));
}

// pipe2 from libunwind: a pipe at the top of the descriptor range.
int unwinder_pipe_open(int fds[2], int flags, int (*real_pipe2)(int*, int));
// Whether both ends are still the pipe we made (a read from libunwind).
bool unwinder_pipe_intact();
// close from libunwind: closes the number only while it is still ours. (The
// program's own close of it goes through: the next check finds it gone.)
int unwinder_pipe_close(int fd);

}  // namespace shim
