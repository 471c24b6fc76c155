// What the sem_post hook reads inside a glibc semaphore to know, before
// posting, whether a thread waits for it. From glibc 2.36's nptl
// (semaphoreP.h, sem_waitcommon.c, sem_post.c) on the 64-bit-atomics targets
// (x86-64, aarch64): struct new_sem { uint64_t data; int private; int pad; },
// data's low 32 bits the count (SEM_VALUE_MASK), its high 32 the threads in
// the blocking slow path (SEM_NWAITERS_SHIFT 32), added before a waiter
// blocks and taken off after it wakes. sem_post wakes one when they are not 0.
#pragma once
#include <semaphore.h>

#include <cstdint>

namespace shim {

// The post hook's test on every post: one load.
inline bool semaphore_may_have_waiters(const sem_t* sem) {
    static_assert(sizeof(sem_t) >= sizeof(uint64_t), "a glibc sem_t starts with its 64-bit data word");
    return (__atomic_load_n(reinterpret_cast<const uint64_t*>(sem), __ATOMIC_RELAXED) >> 32) != 0;
}

}  // namespace shim
