// Semaphores used as locks. A sem_t initialised to 1 that each thread waits
// for and then posts around its critical section (Python's threading.Lock;
// some C programs') is a mutex in all but name: a thread that blocks on it is
// held back by another, not waiting for work. The shim cannot tell at the
// wait; the log can afterwards, from what it recorded at each post that found
// a waiter (a LockHolder record): whether the poster was the thread whose
// blocked wait had taken the semaphore last (a "timed hold").
//   - A lock is posted by the thread that took it: its releases are timed
//     whenever the poster had taken it through a blocked wait (not when it
//     took it at once, which records nothing).
//   - A work or event semaphore is posted by a thread that never took it (a
//     producer, a notifier): none of its releases can be timed, since the
//     taker is a consumer that never gives back what it took.
// So a semaphore reads as a lock when at least kLockPairShare of the posts
// that let a waiter in were such acquire/release pairs.
#pragma once
#include "../model/model.h"

namespace analyzer {

// Measured on 4 threads sharing a binary semaphore whose holder sleeps 50 us
// (tests/programs/sem_as_lock.c): ~46% of the releases timed, the rest by
// threads that took it without blocking. A work semaphore: 0.
constexpr double kLockPairShare = 0.2;

// Marks each holder record's kind (Mutex, or Semaphore for a semaphore's
// posts) and turns the waits on semaphores used as locks, and their posts,
// into SemaphoreLock.
void read_semaphore_locks(Log& log);

}  // namespace analyzer
