// Per-thread blocks (counters, memos, buffers) that outlive their thread: a
// finished thread's block is handed to the next thread that needs one, so
// memory follows the number of threads alive at once, not ever created.
// Blocks come from mmap (never malloc: the shim is malloc's caller) and are
// never freed; the list only grows, so walking it needs no lock.
#pragma once
#include <atomic>
#include <sys/mman.h>

namespace shim {

// T must have `T* next` and `std::atomic<bool> in_use`, and be valid zeroed.
template <typename T>
T* pool_acquire(std::atomic<T*>& head, bool* reused = nullptr) {
    for (T* block = head.load(std::memory_order_acquire); block; block = block->next) {
        bool free = false;
        if (block->in_use.compare_exchange_strong(free, true, std::memory_order_acq_rel)) {
            if (reused) *reused = true;
            return block;
        }
    }
    void* mem = mmap(nullptr, sizeof(T), PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mem == MAP_FAILED) return nullptr;
    T* block = static_cast<T*>(mem);
    block->in_use.store(true, std::memory_order_relaxed);
    T* first = head.load(std::memory_order_relaxed);
    do {
        block->next = first;
    } while (!head.compare_exchange_weak(first, block, std::memory_order_release, std::memory_order_relaxed));
    if (reused) *reused = false;
    return block;
}

template <typename T>
void pool_release(T* block) {
    if (block != nullptr) block->in_use.store(false, std::memory_order_release);
}

}  // namespace shim
