// The log file's lock. See file_lock.h.
#include "file_lock.h"

#include "../hooks/interpose.h"
#include "../owner_lock.h"

namespace shim {
namespace {

// Held while the file is written, by kernel thread id: a signal handler that
// interrupts a write on the same thread backs off instead of deadlocking.
// Cancellation is off meanwhile (write is a cancellation point).
OwnerLock g_file_lock;

}  // namespace

bool acquire_file_lock(bool wait) { return g_file_lock.acquire(thread_id(), wait ? 200000 : 1); }

void release_file_lock() { g_file_lock.release(); }

void file_lock_after_fork_child() { g_file_lock.forget_owner(); }

}  // namespace shim
