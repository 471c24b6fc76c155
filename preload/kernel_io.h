// The kernel's own count of the process's read and write syscalls
// (/proc/self/io), so the report can say how many calls no hook saw: those
// stdio makes inside libc, the loader's, raw syscalls. Read at the start
// (the baseline: an exec'd image inherits its predecessor's counts) and
// written as a KernelIo record at each checkpoint and at the end.
#pragma once
#include <sys/types.h>

namespace shim {

// Takes the baseline (log_init, and in a fork child: its own counts).
void kernel_io_start();

// Writes the KernelIo record (inside log_flush or a checkpoint). Nothing
// when the kernel keeps no such counts (no CONFIG_TASK_IO_ACCOUNTING).
void kernel_io_write_record();

// A read- or write-family syscall the shim made for itself (its log, /proc,
// libunwind's check): the kernel counts it, the program did not make it.
void kernel_io_count_own(bool is_write, ssize_t result);

}  // namespace shim
