// A wait at a cancellation point (a condition wait, a join, sem_wait): a
// thread cancelled inside it never returns to the hook, glibc unwinds past
// it. A cleanup handler records the wait up to then, so it is not lost. The
// shim is built without exceptions, so pthread_cleanup_push is glibc's
// setjmp form, which its forced unwind longjmps into: the hook's frame runs
// the handler, then unwinding goes on to the program's own handlers (outer
// frames) exactly as without the shim. Costs a setjmp (no signal mask) and
// two calls per wait that blocks, never on an uncontended path.
#pragma once
#include <pthread.h>

#include "../clock.h"
#include "../record/threads.h"
#include "../record/waits.h"
#include "interpose.h"

namespace shim {

struct PendingWait {
    uint64_t object;
    shimlog::WaitKind kind;
    uint64_t start;
    CallSite site;
};

inline void record_cancelled_wait(void* arg) {
    const auto* w = static_cast<const PendingWait*>(arg);
    ErrnoKeeper keep;
    uint64_t end = now_ticks();
    if (w->kind == shimlog::WaitKind::Join) thread_add_join_wait(end - w->start);
    waits_record(w->object, w->kind, w->start, end, false, w->site);
}

// Runs the real blocking call `wait` with the handler armed.
template <typename Wait>
inline int cancellable_wait(PendingWait* pending, Wait wait) {
    int result;
    pthread_cleanup_push(record_cancelled_wait, pending);
    result = wait();
    pthread_cleanup_pop(0);
    return result;
}

}  // namespace shim
