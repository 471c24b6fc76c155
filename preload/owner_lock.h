// A spin lock held by a kernel thread id, for the shim's own tables and its
// log file. A signal handler that interrupts its thread while the thread
// holds the lock sees its own id and backs off instead of waiting for itself;
// others spin, then sleep 50 us a try, and give up after `tries`.
#pragma once
#include <atomic>
#include <cstdint>
#include <unistd.h>

namespace shim {

class OwnerLock {
public:
    // False when `self` holds it already, or after `tries` tries.
    bool acquire(uint32_t self, int tries) {
        for (int spin = 0; spin < tries; ++spin) {
            uint32_t owner = owner_.load(std::memory_order_relaxed);
            if (owner == self) return false;
            if (owner == 0 && owner_.compare_exchange_weak(owner, self, std::memory_order_acquire)) return true;
            if (spin > 100) usleep(50);
        }
        return false;
    }
    void release() { owner_.store(0, std::memory_order_release); }
    // In a fork child: whoever held it is not in this process.
    void forget_owner() { owner_.store(0, std::memory_order_relaxed); }

private:
    std::atomic<uint32_t> owner_{0};
};

}  // namespace shim
