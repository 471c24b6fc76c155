// Memory the shim maps for itself on first use and shares between threads:
// reserved once, touched only as used (MAP_NORESERVE), published with a CAS
// so that threads racing to make it agree on one mapping.
#pragma once
#include <atomic>
#include <cstddef>
#include <sys/mman.h>

namespace shim {

// The mapping in `slot`, made the first time (`bytes` long). A thread that
// loses the race unmaps its own and takes the winner's. nullptr when mmap fails.
template <typename T>
T* map_once(std::atomic<T*>& slot, size_t bytes) {
    T* mapped = slot.load(std::memory_order_acquire);
    if (mapped != nullptr) return mapped;
    void* mem = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mem == MAP_FAILED) return nullptr;
    T* expected = nullptr;
    if (!slot.compare_exchange_strong(expected, static_cast<T*>(mem))) {
        munmap(mem, bytes);  // another thread won the race
        return expected;
    }
    return static_cast<T*>(mem);
}

}  // namespace shim
