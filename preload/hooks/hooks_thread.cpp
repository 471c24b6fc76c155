// Thread creation, exit and joining. pthread_create runs the start routine
// through a trampoline that records the thread's life (threads.h).
#include <pthread.h>

#include <cerrno>
#include <ctime>

#include "../record/alloc_stacks.h"
#include "../clock.h"
#include "direct_syscall.h"
#include "interpose.h"
#include "../record/sampler.h"
#include "../record/threads.h"
#include "../record/waits.h"

using shim::RealFunction;

namespace {
// A live thread's kernel id, from its CPU clock id (the kernel's ABI:
// ~tid << 3 | per-thread | scheduler time); 0 when it is not of that form.
uint64_t joined_tid(pthread_t thread) {
    clockid_t clock;
    if (pthread_getcpuclockid(thread, &clock) != 0 || (clock & 7) != 6) return 0;
    return static_cast<uint32_t>(~(clock >> 3));
}
}  // namespace

extern "C" {
#pragma GCC visibility push(default)  // the hooks: what the program links to

int pthread_create(pthread_t* thread, const pthread_attr_t* attr, void* (*routine)(void*), void* arg) {
    static RealFunction<int (*)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*)> real(
        "pthread_create");
    if (shim::t_guard_depth != 0) return real.get()(thread, attr, routine, arg);  // the shim's own sampler
    shim::ThreadInfo* info;
    {
        // Only our bookkeeping is the shim's: what glibc allocates for the new
        // thread (its TLS) is the program's, and freed as such when it ends.
        shim::ReentryGuard guard;
        shim::sampler_start();
        info = shim::thread_prepare(routine, arg, reinterpret_cast<uint64_t>(__builtin_return_address(0)));
    }
    if (info == nullptr) return real.get()(thread, attr, routine, arg);
    int result = real.get()(thread, attr, shim::thread_trampoline, info);
    if (result != 0) shim::thread_abandon(info);
    return result;
}

void pthread_exit(void* value) {
    static RealFunction<void (*)(void*)> real("pthread_exit");
    shim::thread_note_exit();
    real.get()(value);
    __builtin_unreachable();
}

// A join that finds the thread ended returns at once (pthread_tryjoin_np,
// which neither blocks nor acts on cancellation, as join does not then
// either); one that blocks is a wait for the joined thread, by its tid.
int pthread_join(pthread_t thread, void** value) {
    static RealFunction<int (*)(pthread_t, void**)> real("pthread_join");
    static RealFunction<int (*)(pthread_t, void**)> real_tryjoin("pthread_tryjoin_np");
    if (shim::t_guard_depth != 0 || !shim::waits_on()) {
        uint64_t start = shim::now_ticks();
        int result = real.get()(thread, value);
        shim::thread_add_join_wait(shim::now_ticks() - start);
        return result;
    }
    int tried = real_tryjoin.get()(thread, value);
    if (tried != EBUSY) {
        if (tried != 0) return real.get()(thread, value);  // ESRCH, EINVAL, EDEADLK: join's own answer
        shim::thread_add_join_wait(0);
        return 0;
    }
    shim::CallSite site{reinterpret_cast<uint64_t>(__builtin_return_address(0)),
                        reinterpret_cast<uint64_t>(__builtin_frame_address(0)) + 16};
    uint64_t tid = joined_tid(thread);  // before the join: after it, the handle is gone
    uint64_t start = shim::now_ticks();
    int result = real.get()(thread, value);
    uint64_t end = shim::now_ticks();
    shim::thread_add_join_wait(end - start);
    if (result == 0) shim::waits_record(tid, shimlog::WaitKind::Join, start, end, false, site);
    return result;
}

// glibc allocates inside it while holding the thread's own lock (Rust's
// runtime calls it first thing in every thread): the allocation hook must not
// ask for this thread's attributes meanwhile (alloc_stacks.cpp).
int pthread_getattr_np(pthread_t thread, pthread_attr_t* attr) {
    static RealFunction<int (*)(pthread_t, pthread_attr_t*)> real("pthread_getattr_np");
    ++shim::t_in_getattr;
    int result = real.get()(thread, attr);
    --shim::t_in_getattr;
    return result;
}

// Seen only so that reads and writes go through libc, where cancellation is
// acted on, from now on (direct_syscall.h).
int pthread_cancel(pthread_t thread) {
    static RealFunction<int (*)(pthread_t)> real("pthread_cancel");
    shim::direct_syscalls_note_cancel();
    return real.get()(thread);
}

#pragma GCC visibility pop
}  // extern "C"
