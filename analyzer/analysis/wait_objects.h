// Names for the objects threads waited on (WaitSite records), for humans:
// a global or static object by its variable and file, a join by the thread
// joined, anything else (heap or stack objects) by where it was waited for.
#pragma once
#include <cstdint>
#include <string>

#include "../model/model.h"
#include "../symbols/thread_names.h"

namespace analyzer {

// "mutex", "rwlock (read)", "rwlock (write)", "condition", "semaphore", "barrier", "join".
const char* wait_kind_name(shimlog::WaitKind kind);
// True for the kinds that are contention on a lock (mutex, rwlock), false for
// the waits for work or an event (condition, semaphore, barrier, join).
bool is_lock_wait(shimlog::WaitKind kind);

// "g_counts_mutex in wordfreq.cpp"; "mutex first waited for at worker() at
// pool.cpp:40" (`site_stack_id`: its first or most frequent wait site);
// "thread worker(void*) (tid 1234)" for a join, whose object is the tid.
std::string wait_object_label(uint64_t object, shimlog::WaitKind kind, uint32_t site_stack_id, ThreadNamer& namer);

}  // namespace analyzer
