// The read and write syscalls no hook saw: the kernel's count for the process
// (KernelIo) less the calls the hooks recorded and the shim's own. They are
// the calls libc makes for itself (stdio refilling and flushing its buffers,
// iostreams through it), the loader's, and raw syscalls.
#pragma once
#include <cstdint>
#include <vector>

#include "../model/model.h"

namespace analyzer {

struct IoDirection {
    uint64_t kernel_calls = 0, kernel_bytes = 0;
    uint64_t hooked_calls = 0, hooked_bytes = 0;  // the program's calls the hooks recorded
    uint64_t own_calls = 0, own_bytes = 0;        // the shim's
    uint64_t unseen_calls = 0, unseen_bytes = 0;  // the rest: made where no hook sees
    double unseen_average() const { return unseen_calls ? double(unseen_bytes) / double(unseen_calls) : 0; }
};

struct UnseenIo {
    bool known = false;  // false: the log has no kernel counts
    IoDirection reads, writes;
};

UnseenIo unseen_io(const Log& log);

// The same per thread (ThreadKernelIo records): the kernel's calls on that
// thread, less the hooks' there and the shim's own there.
struct ThreadUnseenIo {
    uint32_t tid = 0;
    long thread = -1;    // its index in Log::threads; -1: none (a log cut short while it ran)
    bool ended = false;  // read at its end; false: while alive (the last checkpoint, or exit)
    IoDirection reads, writes;
};

enum class ThreadIoState {
    NotRecorded,   // no thread was read: an older shim (or nothing to read)
    NotAvailable,  // the kernel keeps no per-thread counts (CONFIG_TASK_IO_ACCOUNTING)
    Known,
};

struct ThreadsUnseenIo {
    ThreadIoState state = ThreadIoState::NotRecorded;
    std::vector<ThreadUnseenIo> threads;  // one per thread read: its latest reading
};

ThreadsUnseenIo threads_unseen_io(const Log& log);

}  // namespace analyzer
