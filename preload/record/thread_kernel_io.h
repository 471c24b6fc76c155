// The kernel's read/write counts per thread (/proc/thread-self/io), beside
// the calls the hooks recorded on that thread and the shim's own there, so
// the report can say which thread made the calls no hook saw. Written as
// ThreadKernelIo records: at a thread's end (threads that lived under ~1.5 ms
// in a sample: threads.cpp), and for the live threads at each checkpoint and
// at exit.
#pragma once
#include <sys/types.h>

#include <cstdint>

#include "../../format/log_format.h"

namespace shim {

// One thread's counts, kept in its own TLS: only it writes them (plain
// stores, no locked instruction on the hot path); a checkpoint reads them
// from another thread with relaxed loads. Index: 0 read calls, 1 write
// calls, 2 read bytes, 3 write bytes.
struct ThreadIoCounts {
    uint64_t own[4];
    uint64_t hooked[4];
};
extern __thread ThreadIoCounts t_thread_io __attribute__((tls_model("initial-exec")));

inline void thread_io_add(uint64_t* counts, bool is_write, ssize_t result) {
    __atomic_store_n(&counts[is_write], __atomic_load_n(&counts[is_write], __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED);
    if (result > 0)
        __atomic_store_n(&counts[2 + is_write],
                         __atomic_load_n(&counts[2 + is_write], __ATOMIC_RELAXED) + uint64_t(result), __ATOMIC_RELAXED);
}

// A program call the hooks recorded (IoCall, or a transfer's destination
// side): counted for this thread when the kernel counts it as a read or
// write syscall (as the analyzer counts the IoSite records when it compares
// them with the kernel's counts).
inline void kernel_io_count_hooked(shimlog::Syscall syscall, ssize_t result) {
    if (shimlog::is_stdio(syscall) || syscall == shimlog::Syscall::splice || syscall == shimlog::Syscall::splice_out)
        return;
    thread_io_add(t_thread_io.hooked, shimlog::is_write(syscall), result);
}

// This thread's counts (ThreadInfo keeps the pointer while the thread lives).
ThreadIoCounts* thread_io_this();

// A new thread (trampoline): its counts start at zero, as the kernel's do.
void thread_io_begin();

// The calling thread, the image's main one: its counts start now, and the
// kernel's so far (an exec keeps the thread's) are the baseline. Also reads
// SHIM_TEST_NO_TASK_IO (tests: behave as if the kernel kept no counts).
void thread_io_start();

// In the thread-end key destructor: reads this thread's counts and passes a
// record on; `read` false skips the read (a short-lived thread not in the sample).
void thread_io_at_end(uint32_t tid, bool read);

// Inside a flush (file lock held): a record for each live thread.
void thread_io_write_alive();

}  // namespace shim
