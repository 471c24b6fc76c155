// Contended waits: exact totals per (object, kind, wait stack) and per
// (mutex, release stack), and each wait in its thread's ring for the timeline.
// Only waits that blocked come here (the hooks try first, hooks_waits.cpp), so
// nothing in this file is on an uncontended path. No lock is taken, nothing is
// allocated with malloc; the tables are fixed and a wait that finds one full is
// counted as dropped (End record), never lost silently.
#pragma once
#include <atomic>
#include <cstdint>

#include "../../format/log_format.h"

namespace shim {

// SHIM_WAITS, read once (settings.h); hooks pass straight through when off.
extern std::atomic<int> g_waits_on;  // -1 unknown, 0 off, 1 on
bool waits_read_setting();
inline bool waits_on() {
    int on = g_waits_on.load(std::memory_order_relaxed);
    return __builtin_expect(on == 1, 1) || (on < 0 && waits_read_setting());
}

// Where the hooked function was called from: its return address and the
// caller's stack pointer (the hook's CFA), for the stack (alloc_stacks.h).
struct CallSite {
    uint64_t return_address;
    uint64_t caller_sp;
};

// One wait that blocked from `start` to `end` (ticks). Keeps errno.
void waits_record(uint64_t object, shimlog::WaitKind kind, uint64_t start, uint64_t end, bool timed_out,
                  CallSite site);

// A mutex acquired after a wait that began at `start`: the wait is charged to
// the release that let this thread in (when a hooked unlock published one
// during the wait), and this thread is the timed holder from `end` on.
void waits_mutex_acquired(uint64_t object, uint64_t start, uint64_t end);

// Before the real unlock of a mutex that has waiters (the caller owns it):
// publishes this release site and the hold time for the waiter it lets in.
// Semaphores use the same pair: a sem_wait that blocked is an acquisition, a
// sem_post that finds waiters a release, timed (a "hold") only when the
// poster is the thread whose blocked wait took the semaphore last: the
// acquire/release pairs of a semaphore used as a lock (the analyzer's rule).
void waits_mutex_releasing(uint64_t object, CallSite site);

// sem_init or sem_destroy: the address is a new semaphore, or none; who took
// the old one last is forgotten (a freed lock's address is reused).
void waits_semaphore_renewed(uint64_t object);

// A condition wait about to release a mutex `self` holds, with no waiter to
// hand it to: `self`'s timed hold of it (if any) ends here.
void waits_mutex_letting_go(uint64_t object, uint32_t self);

// Writes WaitSite and LockHolder records with the totals so far (inside log_flush).
void waits_write_totals();
// Writes every thread's buffered waits as WaitChunk records (outside the file
// lock, like cpu_profile_write). `wait`: also rings another writer is draining.
void waits_write_chunks(bool wait);

void waits_init();              // the key whose destructor drains an ending thread's ring
void waits_after_fork_child();
// A new recording window: the totals back to 0, the sites kept.
void waits_reset_counters();  // the child's log counts the child's waits only

}  // namespace shim
