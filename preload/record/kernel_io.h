// The kernel's own count of the process's read and write syscalls
// (/proc/self/io), so the report can say how many calls no hook saw: those
// stdio makes inside libc, the loader's, raw syscalls. Read at the start
// (the baseline: an exec'd image inherits its predecessor's counts) and
// written as a KernelIo record at each checkpoint and at the end.
#pragma once
#include <sys/types.h>
#include <cstdint>

namespace shim {

// The four counts of a /proc/.../io file (syscr, syscw, rchar, wchar).
struct KernelIoCounts {
    uint64_t read_calls = 0, write_calls = 0, read_bytes = 0, write_bytes = 0;
};

// Reads one such file (the process's or a thread's) with raw syscalls, not
// libc's open and read: those are cancellation points, and a thread with a
// cancel pending would be cancelled inside the shim. Its reads are counted as
// the shim's own; errno is kept. False when the kernel keeps no such counts.
bool read_kernel_io(const char* path, KernelIoCounts& out);

// now - base per count, never below zero.
KernelIoCounts kernel_io_since(const KernelIoCounts& now, const KernelIoCounts& base);

// Takes the baseline (log_init, and in a fork child: its own counts).
void kernel_io_start();

// Writes the KernelIo record (inside log_flush or a checkpoint). Nothing
// when the kernel keeps no such counts (no CONFIG_TASK_IO_ACCOUNTING).
void kernel_io_write_record();

// A read- or write-family syscall the shim made for itself (its log, /proc,
// libunwind's check): the kernel counts it, the program did not make it.
void kernel_io_count_own(bool is_write, ssize_t result);

}  // namespace shim
