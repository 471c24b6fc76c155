// C11 threads' mutexes and conditions (<threads.h>). glibc 2.34+ exports
// mtx_lock, cnd_wait and the rest as their own symbols, each calling the
// pthread function inside libc (not through the PLT), so the pthread hooks
// never see them. A glibc mtx_t is a pthread_mutex_t and a cnd_t a
// pthread_cond_t: the same rules and records as hooks_mutex.cpp and
// hooks_waits.cpp, with C11's return codes passed through unchanged.
#include <pthread.h>
#include <threads.h>

#include <ctime>

#include "../clock.h"
#include "../record/waits.h"
#include "cancellable_wait.h"
#include "condition_release.h"
#include "glibc_mutex.h"
#include "interpose.h"

using shim::CallSite;
using shim::RealFunction;
using shimlog::WaitKind;

namespace {

#define C11_SITE                                                                     \
    CallSite{reinterpret_cast<uint64_t>(__builtin_return_address(0)),                 \
             reinterpret_cast<uint64_t>(__builtin_frame_address(0)) + 16}

RealFunction<int (*)(mtx_t*)> real_mtx_lock("mtx_lock");
RealFunction<int (*)(mtx_t*)> real_mtx_trylock("mtx_trylock");
RealFunction<int (*)(mtx_t*, const timespec*)> real_mtx_timedlock("mtx_timedlock");
RealFunction<int (*)(mtx_t*)> real_mtx_unlock("mtx_unlock");
RealFunction<int (*)(cnd_t*, mtx_t*)> real_cnd_wait("cnd_wait");
RealFunction<int (*)(cnd_t*, mtx_t*, const timespec*)> real_cnd_timedwait("cnd_timedwait");

inline pthread_mutex_t* as_pthread(mtx_t* m) { return reinterpret_cast<pthread_mutex_t*>(m); }
inline uint64_t address(const void* object) { return reinterpret_cast<uint64_t>(object); }
inline bool traced() { return shim::t_guard_depth == 0 && shim::waits_on(); }

// Tried first: only a mutex found held (thrd_busy) is timed; the try's other
// answers (thrd_error) leave the call to the real lock.
template <typename Lock>
inline int mtx_lock_trying(mtx_t* m, CallSite site, Lock lock) {
    int tried = real_mtx_trylock.get()(m);
    if (tried == thrd_success) return thrd_success;
    if (tried != thrd_busy) return lock();
    uint64_t start = shim::now_ticks();
    int result = lock();
    uint64_t end = shim::now_ticks();
    if (result == thrd_success) {
        shim::waits_mutex_acquired(address(m), start, end);
        shim::waits_record(address(m), WaitKind::Mutex, start, end, false, site);
    } else if (result == thrd_timedout) {
        shim::waits_record(address(m), WaitKind::Mutex, start, end, true, site);
    }
    return result;
}

// Every call is a wait (for work or an event), its mutex released inside.
template <typename Wait>
inline int cnd_waiting(cnd_t* c, mtx_t* m, CallSite site, Wait wait) {
    shim::condition_releases_mutex(as_pthread(m), site);
    shim::PendingWait pending{address(c), WaitKind::Condition, shim::now_ticks(), site};
    int result = shim::cancellable_wait(&pending, wait);
    uint64_t start = pending.start, end = shim::now_ticks();
    if (result == thrd_success || result == thrd_timedout)
        shim::waits_record(address(c), WaitKind::Condition, start, end, result == thrd_timedout, site);
    return result;
}

}  // namespace

extern "C" {
#pragma GCC visibility push(default)  // the hooks: what the program links to

int mtx_lock(mtx_t* m) {
    if (!traced() || shim::mutex_cannot_be_contended(as_pthread(m))) return real_mtx_lock.get()(m);
    return mtx_lock_trying(m, C11_SITE, [m] { return real_mtx_lock.get()(m); });
}

// glibc looks at the deadline only when the mutex is held: tried first too.
int mtx_timedlock(mtx_t* m, const timespec* deadline) {
    if (!traced()) return real_mtx_timedlock.get()(m, deadline);
    return mtx_lock_trying(m, C11_SITE, [m, deadline] { return real_mtx_timedlock.get()(m, deadline); });
}

// As pthread_mutex_unlock's hook: one load, and a release with waiters published.
int mtx_unlock(mtx_t* m) {
    pthread_mutex_t* pm = as_pthread(m);
    if (__builtin_expect(!shim::mutex_word_quiet(pm), 0) && shim::mutex_may_have_waiters(pm) && traced() &&
        shim::mutex_unlock_releases(pm, shim::thread_id()))
        shim::waits_mutex_releasing(address(m), C11_SITE);
    return real_mtx_unlock.get()(m);
}

int cnd_wait(cnd_t* c, mtx_t* m) {
    if (!traced()) return real_cnd_wait.get()(c, m);
    return cnd_waiting(c, m, C11_SITE, [c, m] { return real_cnd_wait.get()(c, m); });
}

// A deadline glibc rejects (thrd_error before anything is released): straight through.
int cnd_timedwait(cnd_t* c, mtx_t* m, const timespec* deadline) {
    if (!traced() || deadline == nullptr || deadline->tv_nsec < 0 || deadline->tv_nsec >= 1000000000)
        return real_cnd_timedwait.get()(c, m, deadline);
    return cnd_waiting(c, m, C11_SITE, [c, m, deadline] { return real_cnd_timedwait.get()(c, m, deadline); });
}

#pragma GCC visibility pop
}  // extern "C"
