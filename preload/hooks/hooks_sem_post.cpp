// sem_post: a post that finds a thread blocked on the semaphore is a release
// (record/waits.h), so that a semaphore used as a lock can be told from a
// work queue's (analyzer/decode/semaphore_locks.h). A semaphore used as a
// lock is posted as often as a mutex is unlocked: as hooks_mutex.cpp, the
// path without waiters is one load and a jump through a pointer, with no
// frame (this file is built without frame pointers), the rest out of line
// and entered by a tail call so that its frame is the program's call site.
#include <semaphore.h>

#include <atomic>

#include "../record/waits.h"
#include "glibc_semaphore.h"
#include "interpose.h"

namespace {

// Inside a function entered by a tail call from the hook: the program's call.
#define PROGRAM_SITE                                                                 \
    shim::CallSite{reinterpret_cast<uint64_t>(__builtin_return_address(0)),           \
                   reinterpret_cast<uint64_t>(__builtin_frame_address(0)) + 16}

shim::RealFunction<int (*)(sem_t*)> real_sem_post("sem_post");

// The real post, through a pointer that starts at a stub resolving it (no
// null test on the hot path; racing threads store the same address).
using PostFn = int (*)(sem_t*);
int first_post(sem_t* sem);
std::atomic<PostFn> g_post{first_post};
__attribute__((noinline)) int first_post(sem_t* sem) {
    PostFn fn = real_sem_post.get();
    g_post.store(fn, std::memory_order_relaxed);
    return fn(sem);
}

// Waiters: the program's post is recorded (its site; a timed hold when this
// thread's blocked wait took the semaphore last), then the real post.
__attribute__((noinline)) int post_with_waiters(sem_t* sem) {
    if (shim::t_guard_depth == 0 && shim::waits_on())
        shim::waits_mutex_releasing(reinterpret_cast<uint64_t>(sem), PROGRAM_SITE);
    return g_post.load(std::memory_order_relaxed)(sem);
}

}  // namespace

extern "C" {
#pragma GCC visibility push(default)  // the hook: what the program links to

int sem_post(sem_t* sem) {
    if (__builtin_expect(shim::semaphore_may_have_waiters(sem), 0)) return post_with_waiters(sem);
    return g_post.load(std::memory_order_relaxed)(sem);
}

#pragma GCC visibility pop
}  // extern "C"
