// The log file's lock. See file_lock.h.
#include "file_lock.h"

#include <atomic>
#include <cstdint>
#include <unistd.h>

#include "../hooks/interpose.h"

namespace shim {
namespace {

// Held while the file is written, by kernel thread id: a signal handler that
// interrupts a write on the same thread sees its own id and backs off instead
// of deadlocking. Cancellation is off meanwhile (write is a cancellation point).
std::atomic<uint32_t> g_file_owner{0};

}  // namespace

bool acquire_file_lock(bool wait) {
    uint32_t self = thread_id();
    for (int spin = 0; spin < (wait ? 200000 : 1); ++spin) {
        uint32_t owner = g_file_owner.load(std::memory_order_relaxed);
        if (owner == self) return false;
        if (owner == 0 && g_file_owner.compare_exchange_weak(owner, self, std::memory_order_acquire)) return true;
        if (spin > 100) usleep(50);
    }
    return false;
}

void release_file_lock() { g_file_owner.store(0, std::memory_order_release); }

void file_lock_after_fork_child() { g_file_owner.store(0); }

}  // namespace shim
