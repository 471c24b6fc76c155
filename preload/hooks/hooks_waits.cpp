// Waits: rwlocks, conditions, semaphores, barriers, spin locks (mutexes: hooks_mutex.cpp).
// A lock or a semaphore is tried first: an acquisition that does not block reads no clock
// and records nothing. Only when the try fails is the real blocking call timed
// and the wait recorded (record/waits.h). Conditions and barriers block by
// design: every call is a wait. The program gets exactly what the real call
// returned, errno included; the shim holds no lock of its own across a real
// call (a cancelled thread never comes back from one).
#include <dlfcn.h>
#include <pthread.h>
#include <semaphore.h>

#include <cerrno>
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

// The program's call: our return address and its stack pointer (this frame's
// CFA: frame pointer + saved rbp + return address), as hooks_malloc.cpp does.
#define WAIT_SITE                                                                    \
    CallSite{reinterpret_cast<uint64_t>(__builtin_return_address(0)),                 \
             reinterpret_cast<uint64_t>(__builtin_frame_address(0)) + 16}

// A function glibc exports in two versions, resolved to the one a program
// linked today gets (the condition variables: the 2.2.5 ones are the old
// LinuxThreads-layout compatibility versions).
template <typename Fn>
class VersionedFunction {
public:
    constexpr VersionedFunction(const char* name, const char* version) : name_(name), version_(version) {}
    Fn get() {
        Fn fn = fn_.load(std::memory_order_acquire);
        if (fn == nullptr) {
            {
                shim::ReentryGuard guard;
                shim::ErrnoKeeper keep;
                fn = reinterpret_cast<Fn>(dlvsym(RTLD_NEXT, name_, version_));
            }
            if (fn == nullptr) fn = reinterpret_cast<Fn>(shim::resolve_next(name_));  // another architecture's version
            fn_.store(fn, std::memory_order_release);
        }
        return fn;
    }
private:
    const char* name_;
    const char* version_;
    std::atomic<Fn> fn_{nullptr};
};

RealFunction<int (*)(pthread_rwlock_t*)> real_rdlock("pthread_rwlock_rdlock");
RealFunction<int (*)(pthread_rwlock_t*)> real_tryrdlock("pthread_rwlock_tryrdlock");
RealFunction<int (*)(pthread_rwlock_t*, const timespec*)> real_timedrdlock("pthread_rwlock_timedrdlock");
RealFunction<int (*)(pthread_rwlock_t*, clockid_t, const timespec*)> real_clockrdlock("pthread_rwlock_clockrdlock");
RealFunction<int (*)(pthread_rwlock_t*)> real_wrlock("pthread_rwlock_wrlock");
RealFunction<int (*)(pthread_rwlock_t*)> real_trywrlock("pthread_rwlock_trywrlock");
RealFunction<int (*)(pthread_rwlock_t*, const timespec*)> real_timedwrlock("pthread_rwlock_timedwrlock");
RealFunction<int (*)(pthread_rwlock_t*, clockid_t, const timespec*)> real_clockwrlock("pthread_rwlock_clockwrlock");
VersionedFunction<int (*)(pthread_cond_t*, pthread_mutex_t*)> real_cond_wait("pthread_cond_wait", "GLIBC_2.3.2");
VersionedFunction<int (*)(pthread_cond_t*, pthread_mutex_t*, const timespec*)> real_cond_timedwait(
    "pthread_cond_timedwait", "GLIBC_2.3.2");
RealFunction<int (*)(pthread_cond_t*, pthread_mutex_t*, clockid_t, const timespec*)> real_cond_clockwait(
    "pthread_cond_clockwait");
RealFunction<int (*)(sem_t*)> real_sem_wait("sem_wait");
RealFunction<int (*)(sem_t*)> real_sem_trywait("sem_trywait");
RealFunction<int (*)(sem_t*, const timespec*)> real_sem_timedwait("sem_timedwait");
RealFunction<int (*)(sem_t*, clockid_t, const timespec*)> real_sem_clockwait("sem_clockwait");
RealFunction<int (*)(sem_t*, int, unsigned)> real_sem_init("sem_init");
RealFunction<int (*)(sem_t*)> real_sem_destroy("sem_destroy");
RealFunction<int (*)(pthread_barrier_t*)> real_barrier_wait("pthread_barrier_wait");
RealFunction<int (*)(pthread_spinlock_t*)> real_spin_lock("pthread_spin_lock");
RealFunction<int (*)(pthread_spinlock_t*)> real_spin_trylock("pthread_spin_trylock");

// The program's own call, with waits recorded (not the shim's, not off).
inline bool traced() { return shim::t_guard_depth == 0 && shim::waits_on(); }

inline uint64_t address(const void* object) { return reinterpret_cast<uint64_t>(object); }

// glibc rejects a bad deadline of a timed rwlock or semaphore wait, and a
// clock its futexes cannot wait on (any *clock* call), before it tries to
// acquire: those calls go straight through so the error is the same.
inline bool deadline_valid(const timespec* t) { return t != nullptr && t->tv_nsec >= 0 && t->tv_nsec < 1000000000; }

template <typename Lock>
inline int rwlock_contended(pthread_rwlock_t* rw, WaitKind kind, CallSite site, Lock lock) {
    uint64_t start = shim::now_ticks();
    int result = lock();
    uint64_t end = shim::now_ticks();
    if (result == 0 || result == ETIMEDOUT) shim::waits_record(address(rw), kind, start, end, result != 0, site);
    return result;
}

// Tried first; the real lock only when the try did not succeed.
template <typename Try, typename Lock>
inline int rwlock_lock(pthread_rwlock_t* rw, WaitKind kind, CallSite site, Try attempt, Lock lock) {
    int tried = attempt();
    if (tried == 0) return 0;
    if (tried != EBUSY) return lock();
    return rwlock_contended(rw, kind, site, lock);
}

// A semaphore at 0. sem_* report through errno: the try's EAGAIN is undone.
template <typename Wait>
inline int sem_contended(sem_t* sem, int saved_errno, CallSite site, Wait wait) {
    *shim::errno_at() = saved_errno;
    shim::PendingWait pending{address(sem), WaitKind::Semaphore, shim::now_ticks(), site};
    int result = shim::cancellable_wait(&pending, wait);
    uint64_t start = pending.start, end = shim::now_ticks();
    bool timed_out = result != 0 && *shim::errno_at() == ETIMEDOUT;
    if (result == 0 || timed_out) shim::waits_record(address(sem), WaitKind::Semaphore, start, end, timed_out, site);
    // Taken after a wait: charged to the post that let it in, and this thread
    // its holder until it posts (semaphores used as locks, waits.h).
    if (result == 0) shim::waits_mutex_acquired(address(sem), start, end);
    return result;
}

// sem_wait and friends once their argument checks passed: tried first.
template <typename Wait>
inline int sem_after_checks(sem_t* sem, CallSite site, Wait wait) {
    int saved_errno = *shim::errno_at();
    if (real_sem_trywait.get()(sem) == 0) return 0;
    if (*shim::errno_at() != EAGAIN) {
        *shim::errno_at() = saved_errno;
        return wait();
    }
    return sem_contended(sem, saved_errno, site, wait);
}

// Every call is a wait: for work, or for the other threads. Errors (a bad
// deadline or clock) are not waits.
template <typename Wait>
inline int every_call_waits(const void* object, WaitKind kind, CallSite site, Wait wait) {
    shim::PendingWait pending{address(object), kind, shim::now_ticks(), site};
    int result = shim::cancellable_wait(&pending, wait);
    uint64_t start = pending.start, end = shim::now_ticks();
    bool waited = result == 0 || result == ETIMEDOUT || (kind == WaitKind::Barrier && result == PTHREAD_BARRIER_SERIAL_THREAD);
    if (waited) shim::waits_record(address(object), kind, start, end, result == ETIMEDOUT, site);
    return result;
}

// A condition wait releases `m` inside glibc (condition_release.h). The re-lock
// inside glibc is part of the condition wait, not lock contention.
template <typename Wait>
inline int condition_wait(pthread_cond_t* cond, pthread_mutex_t* m, CallSite site, Wait wait) {
    shim::condition_releases_mutex(m, site);
    return every_call_waits(cond, WaitKind::Condition, site, wait);
}

}  // namespace

extern "C" {
#pragma GCC visibility push(default)  // the hooks: what the program links to

int pthread_rwlock_rdlock(pthread_rwlock_t* rw) {
    if (!traced()) return real_rdlock.get()(rw);
    return rwlock_lock(rw, WaitKind::RwRead, WAIT_SITE, [rw] { return real_tryrdlock.get()(rw); },
                       [rw] { return real_rdlock.get()(rw); });
}

int pthread_rwlock_timedrdlock(pthread_rwlock_t* rw, const timespec* deadline) {
    if (!traced() || !deadline_valid(deadline)) return real_timedrdlock.get()(rw, deadline);
    return rwlock_lock(rw, WaitKind::RwRead, WAIT_SITE, [rw] { return real_tryrdlock.get()(rw); },
                       [rw, deadline] { return real_timedrdlock.get()(rw, deadline); });
}

int pthread_rwlock_clockrdlock(pthread_rwlock_t* rw, clockid_t clock, const timespec* deadline) {
    if (!traced() || !shim::futex_clock_supported(clock) || !deadline_valid(deadline))
        return real_clockrdlock.get()(rw, clock, deadline);
    return rwlock_lock(rw, WaitKind::RwRead, WAIT_SITE, [rw] { return real_tryrdlock.get()(rw); },
                       [rw, clock, deadline] { return real_clockrdlock.get()(rw, clock, deadline); });
}

int pthread_rwlock_wrlock(pthread_rwlock_t* rw) {
    if (!traced()) return real_wrlock.get()(rw);
    return rwlock_lock(rw, WaitKind::RwWrite, WAIT_SITE, [rw] { return real_trywrlock.get()(rw); },
                       [rw] { return real_wrlock.get()(rw); });
}

int pthread_rwlock_timedwrlock(pthread_rwlock_t* rw, const timespec* deadline) {
    if (!traced() || !deadline_valid(deadline)) return real_timedwrlock.get()(rw, deadline);
    return rwlock_lock(rw, WaitKind::RwWrite, WAIT_SITE, [rw] { return real_trywrlock.get()(rw); },
                       [rw, deadline] { return real_timedwrlock.get()(rw, deadline); });
}

int pthread_rwlock_clockwrlock(pthread_rwlock_t* rw, clockid_t clock, const timespec* deadline) {
    if (!traced() || !shim::futex_clock_supported(clock) || !deadline_valid(deadline))
        return real_clockwrlock.get()(rw, clock, deadline);
    return rwlock_lock(rw, WaitKind::RwWrite, WAIT_SITE, [rw] { return real_trywrlock.get()(rw); },
                       [rw, clock, deadline] { return real_clockwrlock.get()(rw, clock, deadline); });
}

int pthread_cond_wait(pthread_cond_t* cond, pthread_mutex_t* m) {
    if (!traced()) return real_cond_wait.get()(cond, m);
    return condition_wait(cond, m, WAIT_SITE, [cond, m] { return real_cond_wait.get()(cond, m); });
}

int pthread_cond_timedwait(pthread_cond_t* cond, pthread_mutex_t* m, const timespec* deadline) {
    if (!traced()) return real_cond_timedwait.get()(cond, m, deadline);
    return condition_wait(cond, m, WAIT_SITE,
                          [cond, m, deadline] { return real_cond_timedwait.get()(cond, m, deadline); });
}

// What std::condition_variable's timed waits call (steady clock).
int pthread_cond_clockwait(pthread_cond_t* cond, pthread_mutex_t* m, clockid_t clock, const timespec* deadline) {
    if (!traced() || !shim::futex_clock_supported(clock) || !deadline_valid(deadline))
        return real_cond_clockwait.get()(cond, m, clock, deadline);
    return condition_wait(cond, m, WAIT_SITE,
                          [cond, m, clock, deadline] { return real_cond_clockwait.get()(cond, m, clock, deadline); });
}

// glibc's sem_wait and sem_timedwait are cancellation points even when the
// count is not 0 (sem_clockwait is not): so are the hooks.
int sem_wait(sem_t* sem) {
    if (!traced()) return real_sem_wait.get()(sem);
    pthread_testcancel();
    return sem_after_checks(sem, WAIT_SITE, [sem] { return real_sem_wait.get()(sem); });
}

int sem_timedwait(sem_t* sem, const timespec* deadline) {
    if (!traced() || !deadline_valid(deadline)) return real_sem_timedwait.get()(sem, deadline);
    pthread_testcancel();
    return sem_after_checks(sem, WAIT_SITE, [sem, deadline] { return real_sem_timedwait.get()(sem, deadline); });
}

int sem_clockwait(sem_t* sem, clockid_t clock, const timespec* deadline) {
    if (!traced() || !shim::futex_clock_supported(clock) || !deadline_valid(deadline))
        return real_sem_clockwait.get()(sem, clock, deadline);
    return sem_after_checks(sem, WAIT_SITE,
                            [sem, clock, deadline] { return real_sem_clockwait.get()(sem, clock, deadline); });
}

// A new semaphore (or none) at the address: its last taker is forgotten
// (sem_post's hook, hooks_sem_post.cpp, records who posts it).
int sem_init(sem_t* sem, int shared, unsigned value) {
    int result = real_sem_init.get()(sem, shared, value);
    if (result == 0 && traced()) shim::waits_semaphore_renewed(address(sem));
    return result;
}

int sem_destroy(sem_t* sem) {
    if (traced()) shim::waits_semaphore_renewed(address(sem));
    return real_sem_destroy.get()(sem);
}

int pthread_barrier_wait(pthread_barrier_t* barrier) {
    if (!traced()) return real_barrier_wait.get()(barrier);
    return every_call_waits(barrier, WaitKind::Barrier, WAIT_SITE, [barrier] { return real_barrier_wait.get()(barrier); });
}

// A spin lock waits on the CPU, not off it: still contention, its own kind.
// Tried first; only a lock found held is timed.
int pthread_spin_lock(pthread_spinlock_t* lock) {
    if (!traced()) return real_spin_lock.get()(lock);
    int tried = real_spin_trylock.get()(lock);
    if (tried == 0) return 0;
    if (tried != EBUSY) return real_spin_lock.get()(lock);
    CallSite site = WAIT_SITE;
    uint64_t start = shim::now_ticks();
    int result = real_spin_lock.get()(lock);
    uint64_t end = shim::now_ticks();
    if (result == 0) shim::waits_record(reinterpret_cast<uint64_t>(lock), WaitKind::Spin, start, end, false, site);
    return result;
}

#pragma GCC visibility pop
}  // extern "C"
