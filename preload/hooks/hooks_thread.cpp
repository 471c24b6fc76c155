// Thread creation, exit and joining. pthread_create (and C11's thrd_create)
// runs the start routine through a trampoline that records the thread's life
// (threads.h).
#include <pthread.h>
#include <threads.h>

#include <cerrno>
#include <ctime>

#include "../record/alloc_stacks.h"
#include "../clock.h"
#include "cancellable_wait.h"
#include "direct_syscall.h"
#include "glibc_mutex.h"
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

RealFunction<int (*)(pthread_t, void**)> real_tryjoin("pthread_tryjoin_np");

// The program's call: our return address and its stack pointer (this frame's CFA).
#define JOIN_SITE                                                                    \
    shim::CallSite{reinterpret_cast<uint64_t>(__builtin_return_address(0)),           \
                   reinterpret_cast<uint64_t>(__builtin_frame_address(0)) + 16}

inline bool joins_traced() { return shim::t_guard_depth == 0 && shim::waits_on(); }

// The shim's own joins, or SHIM_WAITS=0: only the Thread record's join time.
template <typename Join>
int join_timed_only(Join join) {
    uint64_t start = shim::now_ticks();
    int result = join();
    shim::thread_add_join_wait(shim::now_ticks() - start);
    return result;
}

// A join of a thread still running: timed, and a wait when it ended with the
// thread joined (`ok`) or at its deadline (`timed_out`).
template <typename Join>
int join_blocking(pthread_t thread, shim::CallSite site, int ok, int timed_out, Join join) {
    uint64_t tid = joined_tid(thread);  // before the join: after it, the handle is gone
    shim::PendingWait pending{tid, shimlog::WaitKind::Join, shim::now_ticks(), site};
    int result = shim::cancellable_wait(&pending, join);  // a cancelled join is recorded too
    uint64_t start = pending.start, end = shim::now_ticks();
    shim::thread_add_join_wait(end - start);
    if (result == ok || result == timed_out)
        shim::waits_record(tid, shimlog::WaitKind::Join, start, end, result == timed_out, site);
    return result;
}

template <typename Join>
int join_hooked(pthread_t thread, void** value, shim::CallSite site, Join join) {
    if (!joins_traced()) return join_timed_only(join);
    int tried = real_tryjoin.get()(thread, value);
    if (tried != EBUSY) {
        if (tried != 0) return join();  // ESRCH, EINVAL, EDEADLK: the call's own answer
        shim::thread_add_join_wait(0);
        return 0;
    }
    return join_blocking(thread, site, 0, ETIMEDOUT, join);
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
        shim::sampler_note_program_thread();
        info = shim::thread_prepare(routine, arg, reinterpret_cast<uint64_t>(__builtin_return_address(0)));
    }
    if (info == nullptr) return real.get()(thread, attr, routine, arg);
    int result = real.get()(thread, attr, shim::thread_trampoline, info);
    if (result != 0) shim::thread_abandon(info);
    return result;
}

// C11's thrd_create: glibc (2.28+) runs it through its internal
// __pthread_create_2_1, not through the pthread_create hook, so it is hooked
// itself for the same record (start routine, creator's stack, times, end).
// thrd_create's own answers (thrd_nomem, thrd_error) pass through.
int thrd_create(thrd_t* thread, thrd_start_t routine, void* arg) {
    static RealFunction<int (*)(thrd_t*, thrd_start_t, void*)> real("thrd_create");
    if (shim::t_guard_depth != 0) return real.get()(thread, routine, arg);
    shim::ThreadInfo* info;
    {
        shim::ReentryGuard guard;
        shim::sampler_start();
        shim::sampler_note_program_thread();
        info = shim::thread_prepare_c11(routine, arg, reinterpret_cast<uint64_t>(__builtin_return_address(0)));
    }
    if (info == nullptr) return real.get()(thread, routine, arg);
    int result = real.get()(thread, shim::thread_trampoline_c11, info);
    if (result != thrd_success) shim::thread_abandon(info);
    return result;
}

void pthread_exit(void* value) {
    static RealFunction<void (*)(void*)> real("pthread_exit");
    shim::thread_note_exit();
    real.get()(value);
    __builtin_unreachable();
}

// glibc's thrd_exit calls its internal pthread_exit, past the hook above.
void thrd_exit(int value) {
    static RealFunction<void (*)(int)> real("thrd_exit");
    shim::thread_note_exit();
    real.get()(value);
    __builtin_unreachable();
}

// A join that finds the thread ended returns at once (pthread_tryjoin_np,
// which neither blocks nor acts on cancellation, as join does not then
// either); one that blocks is a wait for the joined thread, by its tid. The
// timed joins too (a timeout is a wait that gave up), and C11's thrd_join,
// which glibc 2.34+ runs through its internal join, not the pthread_join hook.
int pthread_join(pthread_t thread, void** value) {
    static RealFunction<int (*)(pthread_t, void**)> real("pthread_join");
    return join_hooked(thread, value, JOIN_SITE, [thread, value] { return real.get()(thread, value); });
}

int pthread_timedjoin_np(pthread_t thread, void** value, const timespec* deadline) {
    static RealFunction<int (*)(pthread_t, void**, const timespec*)> real("pthread_timedjoin_np");
    return join_hooked(thread, value, JOIN_SITE,
                       [thread, value, deadline] { return real.get()(thread, value, deadline); });
}

// An unsupported clock is EINVAL even for a thread that has ended: straight through.
int pthread_clockjoin_np(pthread_t thread, void** value, clockid_t clock, const timespec* deadline) {
    static RealFunction<int (*)(pthread_t, void**, clockid_t, const timespec*)> real("pthread_clockjoin_np");
    if (!shim::futex_clock_supported(clock)) return real.get()(thread, value, clock, deadline);
    return join_hooked(thread, value, JOIN_SITE,
                       [thread, value, clock, deadline] { return real.get()(thread, value, clock, deadline); });
}

// glibc: pthread_join, then *res = (int)(uintptr_t) the thread's value, and
// its error mapped to thrd_*. An ended thread is taken by the try, as above.
int thrd_join(thrd_t thread, int* res) {
    static RealFunction<int (*)(thrd_t, int*)> real("thrd_join");
    if (!joins_traced()) return join_timed_only([thread, res] { return real.get()(thread, res); });
    void* value;
    int tried = real_tryjoin.get()(thread, &value);
    if (tried == 0) {
        if (res != nullptr) *res = static_cast<int>(reinterpret_cast<uintptr_t>(value));
        shim::thread_add_join_wait(0);
        return thrd_success;
    }
    if (tried != EBUSY) return real.get()(thread, res);
    return join_blocking(thread, JOIN_SITE, thrd_success, thrd_timedout, [thread, res] { return real.get()(thread, res); });
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
