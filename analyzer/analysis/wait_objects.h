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

// The noun for the object waited on: "mutex", "rwlock" (read and write waits
// are one lock), "condition variable", "semaphore", "barrier", "thread" (join).
const char* wait_object_noun(shimlog::WaitKind kind);
// What a wait of this kind means, the same words everywhere (text, JSON,
// findings): "contention" (a lock), "waiting for work or an event"
// (condition, semaphore, barrier), "waiting for a thread to end" (join).
const char* wait_meaning(shimlog::WaitKind kind);
// One word for the same, for JSON and tables: "lock", "event", "join".
const char* wait_class(shimlog::WaitKind kind);

// "g_counts_mutex in wordfreq.cpp"; "mutex first waited for at worker() at
// pool.cpp:40" (`site_stack_id`: its first or most frequent wait site);
// "thread worker(void*) (tid 1234)" for a join, whose object is the tid (0:
// the joins the shim no longer told apart, many threads).
std::string wait_object_label(uint64_t object, shimlog::WaitKind kind, uint32_t site_stack_id, ThreadNamer& namer);
// The label with its noun in front, once: "mutex counts_mutex in wordfreq.cpp",
// but "mutex first waited for at ..." and "thread worker (tid 12)" as they are.
std::string wait_object_phrase(shimlog::WaitKind kind, const std::string& label);

}  // namespace analyzer
