// The read and write syscalls stdio makes inside libc, seen per stream.
// glibc's streams reach the kernel through their jump table (struct
// _IO_jump_t, public in libio): its __read and __write entries are swapped
// for counting wrappers once at start-up, so each refill or flush is counted
// exactly, on the stream's file, for the stdio call that caused it (the
// hooks in hooks_stdio.cpp name it in t_stdio_cause), with the stream's
// buffering mode and buffer size.
#pragma once
#include <cstdint>

namespace shim {

// The stdio call the program is inside on this thread: its call site and
// its Syscall id + 1 (0: none; the syscall then came from getc, putc,
// scanf and the like, which are not hooked: their cost is in the call).
struct StdioCause {
    uint64_t site;
    uint8_t call;
};
extern __thread StdioCause t_stdio_cause __attribute__((tls_model("initial-exec")));

// Swaps the jump-table entries (shim_start). Leaves them alone, and stdio's
// syscalls to the kernel's counts (kernel_io.h), when the tables are not
// where and what this glibc is known to keep them.
void stdio_streams_init();

}  // namespace shim
