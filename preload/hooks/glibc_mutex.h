// What the unlock hook reads inside a glibc mutex to know, before releasing
// it, whether a thread waits for it. Read from glibc 2.36's nptl
// (pthread_mutex_unlock.c, lowlevellock.h, pthreadP.h); the fields are
// glibc's public struct __pthread_mutex_s on x86-64 and aarch64.
//   __kind:  low 2 bits the type (normal 0, recursive 1, error-checking 2,
//            adaptive 3); 16 robust, 32 priority-inherit, 64 priority-protect;
//            128 process-shared; 256/512 lock elision.
//   __lock:  normal kinds (no 16/32/64): 0 free, 1 held, 2 held and a thread
//            may be waiting (lll_lock's futex word; unlock wakes one when > 1).
//            Robust and PI: the owner's tid | FUTEX_WAITERS (bit 31) |
//            FUTEX_OWNER_DIED (bit 30). Priority-protect: the ceiling in bits
//            19-31 over the normal 0/1/2.
//   __count: a recursive mutex's depth; only the last unlock releases it.
//   __owner: the owner's tid (every kind, set after each acquisition).
// "May be waiting" is all glibc knows too: a thread that acquired the mutex
// after waiting leaves 2 (or FUTEX_WAITERS), so its own unlock looks
// contended even when no one else waits. waits.cpp charges only releases that
// a waiter then took the lock from, so such unlocks cost a stack, never a count.
#pragma once
#include <pthread.h>
#include <sys/single_threaded.h>
#include <time.h>

#include <cstdint>

namespace shim {

// The unlock hook's test on every unlock: one load. A word of 0 or 1 has no
// waiter whatever the kind (normal kinds: 0/1 free/held; robust and PI: the
// waiters bit clear; priority-protect: no ceiling bits, 0/1), so only a word
// above 1 needs mutex_may_have_waiters.
inline bool mutex_word_quiet(const pthread_mutex_t* m) {
    return static_cast<unsigned>(__atomic_load_n(&m->__data.__lock, __ATOMIC_RELAXED)) <= 1;
}

// Whether a thread may wait for the mutex, by its kind.
inline bool mutex_may_have_waiters(const pthread_mutex_t* m) {
    const auto& d = m->__data;
    unsigned kind = static_cast<unsigned>(__atomic_load_n(&d.__kind, __ATOMIC_RELAXED));
    unsigned lock = static_cast<unsigned>(__atomic_load_n(&d.__lock, __ATOMIC_RELAXED));
    if (kind & (16 | 32)) return (lock & 0x80000000u) != 0;
    if (kind & 64) return (lock & 0x7ffffu) > 1;
    return lock > 1;
}

// The clocks glibc's timed waits accept (futex_abstimed_supported_clockid):
// any other is EINVAL before the object is even looked at.
inline bool futex_clock_supported(clockid_t clock) { return clock == CLOCK_REALTIME || clock == CLOCK_MONOTONIC; }

// A process with one thread (glibc's own test, by which its lock skips the
// bus lock) cannot find a private mutex held by another thread: its real lock
// cannot wait, and costs less than a try, which always locks the bus
// (measured: 3.5 ns a lock/unlock pair, 9.5 with trylock). Not for a
// process-shared mutex (kind bit 128): another process may hold it.
inline bool mutex_cannot_be_contended(const pthread_mutex_t* m) {
    return __libc_single_threaded && (__atomic_load_n(&m->__data.__kind, __ATOMIC_RELAXED) & 128) == 0;
}

// Then: whether this unlock releases it. Not an unlock by a thread that does
// not own it (an error for the checking kinds), nor a recursive unlock that
// only lowers the depth.
inline bool mutex_unlock_releases(const pthread_mutex_t* m, uint32_t self_tid) {
    const auto& d = m->__data;
    if (static_cast<uint32_t>(__atomic_load_n(&d.__owner, __ATOMIC_RELAXED)) != self_tid) return false;
    unsigned kind = static_cast<unsigned>(__atomic_load_n(&d.__kind, __ATOMIC_RELAXED));
    return (kind & 3) != 1 || __atomic_load_n(&d.__count, __ATOMIC_RELAXED) <= 1;
}

}  // namespace shim
