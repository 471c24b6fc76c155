// The synchronisation cases the waits hooks must pass through unchanged: each
// mode prints what the calls returned (and errno), so a run under the shim
// can be compared with a bare one. Usage: waits_cases MODE [N]
// Built static too (waits_cases_static): the shim must not touch it.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t static_mutex = PTHREAD_MUTEX_INITIALIZER;
static long static_total;

static void* add_under_static(void* arg) {
    (void)arg;
    for (int i = 0; i < 200000; ++i) {
        pthread_mutex_lock(&static_mutex);
        static_total++;
        pthread_mutex_unlock(&static_mutex);
    }
    return NULL;
}

static int static_mutex_case(void) {
    pthread_t t[4];
    for (int i = 0; i < 4; ++i) pthread_create(&t[i], NULL, add_under_static, NULL);
    for (int i = 0; i < 4; ++i) pthread_join(t[i], NULL);
    printf("total %ld\n", static_total);
    return 0;
}

static int recursive_case(void) {
    pthread_mutexattr_t attr;
    pthread_mutex_t m;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&m, &attr);
    int a = pthread_mutex_lock(&m), b = pthread_mutex_lock(&m), c = pthread_mutex_lock(&m);
    int d = pthread_mutex_unlock(&m), e = pthread_mutex_unlock(&m), f = pthread_mutex_unlock(&m);
    int g = pthread_mutex_unlock(&m);  // not owned any more: EPERM
    printf("recursive %d %d %d / %d %d %d / %d\n", a, b, c, d, e, f, g == EPERM);
    return 0;
}

static pthread_mutex_t robust;
static void* die_holding(void* arg) {
    (void)arg;
    pthread_mutex_lock(&robust);
    return NULL;  // ends with the mutex held
}

static int robust_case(void) {
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&robust, &attr);
    pthread_t t;
    pthread_create(&t, NULL, die_holding, NULL);
    pthread_join(t, NULL);
    int r = pthread_mutex_lock(&robust);
    int c = pthread_mutex_consistent(&robust);
    int u = pthread_mutex_unlock(&robust);
    int again = pthread_mutex_lock(&robust);
    printf("robust %s consistent %d unlock %d again %d\n", r == EOWNERDEAD ? "EOWNERDEAD" : strerror(r), c, u,
           again);
    return 0;
}

static int errorcheck_case(void) {
    pthread_mutexattr_t attr;
    pthread_mutex_t m;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&m, &attr);
    int a = pthread_mutex_lock(&m);
    int b = pthread_mutex_lock(&m);
    int c = pthread_mutex_unlock(&m);
    int d = pthread_mutex_unlock(&m);
    printf("errorcheck %d %s %d %s\n", a, b == EDEADLK ? "EDEADLK" : strerror(b), c, d == EPERM ? "EPERM" : strerror(d));
    return 0;
}

static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
static atomic_int held_state;

static void* hold_a_while(void* arg) {
    (void)arg;
    pthread_mutex_lock(&held);
    atomic_store(&held_state, 1);
    while (atomic_load(&held_state) != 2) usleep(1000);
    pthread_mutex_unlock(&held);
    return NULL;
}

static int timedlock_case(void) {
    pthread_t t;
    pthread_create(&t, NULL, hold_a_while, NULL);
    while (atomic_load(&held_state) != 1) usleep(1000);
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_nsec += 20 * 1000 * 1000;
    if (deadline.tv_nsec >= 1000000000) deadline.tv_sec++, deadline.tv_nsec -= 1000000000;
    errno = 1234;
    int r = pthread_mutex_timedlock(&held, &deadline);
    int kept = errno;
    struct timespec bad = {0, 2000000000};
    int b = pthread_mutex_timedlock(&held, &bad);
    atomic_store(&held_state, 2);
    pthread_join(t, NULL);
    int free_now = pthread_mutex_timedlock(&held, &bad);  // uncontended: glibc never looks at the deadline
    printf("timedlock %s errno %d bad %s free %d\n", r == ETIMEDOUT ? "ETIMEDOUT" : strerror(r), kept,
           b == EINVAL ? "EINVAL" : strerror(b), free_now);
    return 0;
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long rw_value;
static void* reader(void* arg) {
    long sum = 0;
    for (int i = 0; i < 20000; ++i) {
        pthread_rwlock_rdlock(&rw);
        sum += rw_value;
        pthread_rwlock_unlock(&rw);
    }
    *(long*)arg = sum >= 0;
    return NULL;
}
static void* writer(void* arg) {
    (void)arg;
    for (int i = 0; i < 20000; ++i) {
        pthread_rwlock_wrlock(&rw);
        rw_value++;
        pthread_rwlock_unlock(&rw);
    }
    return NULL;
}

static int rwlock_case(void) {
    pthread_t r[3], w;
    long ok[3];
    for (int i = 0; i < 3; ++i) pthread_create(&r[i], NULL, reader, &ok[i]);
    pthread_create(&w, NULL, writer, NULL);
    for (int i = 0; i < 3; ++i) pthread_join(r[i], NULL);
    pthread_join(w, NULL);
    pthread_rwlock_wrlock(&rw);
    int self = pthread_rwlock_rdlock(&rw);  // the writer itself: EDEADLK
    pthread_rwlock_unlock(&rw);
    printf("rwlock %ld readers ok %ld self %s\n", rw_value, ok[0] + ok[1] + ok[2],
           self == EDEADLK ? "EDEADLK" : strerror(self));
    return 0;
}

// A pool of workers taking jobs from a queue under a condition variable.
static pthread_mutex_t pool_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_cond = PTHREAD_COND_INITIALIZER;
static int jobs_left, jobs_done, closing, workers_in;

static void* pool_worker(void* arg) {
    (void)arg;
    pthread_mutex_lock(&pool_mutex);
    workers_in++;  // then waits at once: every worker waits at least once
    for (;;) {
        while (jobs_left == 0 && !closing) pthread_cond_wait(&pool_cond, &pool_mutex);
        if (jobs_left == 0) break;
        jobs_left--;
        pthread_mutex_unlock(&pool_mutex);
        usleep(100);
        pthread_mutex_lock(&pool_mutex);
        jobs_done++;
    }
    pthread_mutex_unlock(&pool_mutex);
    return NULL;
}

static int condpool_case(void) {
    pthread_t t[4];
    for (int i = 0; i < 4; ++i) pthread_create(&t[i], NULL, pool_worker, NULL);
    for (int in = 0; in < 4; usleep(1000)) {  // all four are inside pthread_cond_wait
        pthread_mutex_lock(&pool_mutex);
        in = workers_in;
        pthread_mutex_unlock(&pool_mutex);
    }
    for (int i = 0; i < 200; ++i) {
        pthread_mutex_lock(&pool_mutex);
        jobs_left++;
        pthread_cond_signal(&pool_cond);
        pthread_mutex_unlock(&pool_mutex);
        if (i % 20 == 0) usleep(1000);
    }
    pthread_mutex_lock(&pool_mutex);
    closing = 1;
    pthread_cond_broadcast(&pool_cond);
    pthread_mutex_unlock(&pool_mutex);
    for (int i = 0; i < 4; ++i) pthread_join(t[i], NULL);
    struct timespec past = {0, 0};
    pthread_mutex_lock(&pool_mutex);
    int timed = pthread_cond_timedwait(&pool_cond, &pool_mutex, &past);
    pthread_mutex_unlock(&pool_mutex);
    printf("pool %d jobs timedwait %s\n", jobs_done, timed == ETIMEDOUT ? "ETIMEDOUT" : strerror(timed));
    return 0;
}

static sem_t sem;
static void* poster(void* arg) {
    (void)arg;
    for (int i = 0; i < 100; ++i) {
        if (i % 10 == 0) usleep(1000);
        sem_post(&sem);
    }
    return NULL;
}

static int sem_case(void) {
    sem_init(&sem, 0, 0);
    pthread_t t;
    pthread_create(&t, NULL, poster, NULL);
    int ok = 0;
    for (int i = 0; i < 100; ++i) ok += sem_wait(&sem) == 0;
    pthread_join(t, NULL);
    errno = 0;
    int r = sem_trywait(&sem);
    int try_errno = errno;
    struct timespec past = {0, 0};
    errno = 0;
    int timed = sem_timedwait(&sem, &past);
    int timed_errno = errno;
    struct timespec bad = {0, -1};
    sem_post(&sem);
    errno = 0;
    int invalid = sem_timedwait(&sem, &bad);  // count 1, yet glibc checks the deadline first
    int invalid_errno = errno;
    errno = 77;
    int last = sem_wait(&sem);
    printf("sem %d waited; trywait %d %s; timedwait %d %s; invalid %d %s; last %d errno %d\n", ok, r,
           try_errno == EAGAIN ? "EAGAIN" : "?", timed, timed_errno == ETIMEDOUT ? "ETIMEDOUT" : "?", invalid,
           invalid_errno == EINVAL ? "EINVAL" : "?", last, errno);
    return 0;
}

static pthread_barrier_t barrier;
static atomic_int serial_count;
static void* at_barrier(void* arg) {
    (void)arg;
    for (int i = 0; i < 50; ++i)
        if (pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD) atomic_fetch_add(&serial_count, 1);
    return NULL;
}

static int barrier_case(void) {
    pthread_barrier_init(&barrier, NULL, 3);
    pthread_t t[3];
    for (int i = 0; i < 3; ++i) pthread_create(&t[i], NULL, at_barrier, NULL);
    for (int i = 0; i < 3; ++i) pthread_join(t[i], NULL);
    printf("barrier serial %d\n", atomic_load(&serial_count));
    return 0;
}

static pthread_mutex_t cancel_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cancel_cond = PTHREAD_COND_INITIALIZER;
static atomic_int cancel_waiting;
static void unlock_on_cancel(void* m) { pthread_mutex_unlock(m); }
static void* wait_forever(void* arg) {
    (void)arg;
    pthread_mutex_lock(&cancel_mutex);
    pthread_cleanup_push(unlock_on_cancel, &cancel_mutex);
    atomic_store(&cancel_waiting, 1);
    for (;;) pthread_cond_wait(&cancel_cond, &cancel_mutex);
    pthread_cleanup_pop(1);
    return NULL;
}

static int cancel_case(void) {
    pthread_t t;
    pthread_create(&t, NULL, wait_forever, NULL);
    while (!atomic_load(&cancel_waiting)) usleep(1000);
    pthread_mutex_lock(&cancel_mutex);  // the waiter is inside pthread_cond_wait now
    pthread_mutex_unlock(&cancel_mutex);
    pthread_cancel(t);
    void* result;
    int j = pthread_join(t, &result);
    int again = pthread_mutex_lock(&cancel_mutex);  // its cleanup released it
    printf("cancel join %d cancelled %d relock %d\n", j, result == PTHREAD_CANCELED, again);
    return 0;
}


static struct timespec in_ms(clockid_t clock, long ms) {
    struct timespec t;
    clock_gettime(clock, &t);
    t.tv_nsec += ms * 1000000;
    t.tv_sec += t.tv_nsec / 1000000000;
    t.tv_nsec %= 1000000000;
    return t;
}

static pthread_rwlock_t clock_rw = PTHREAD_RWLOCK_INITIALIZER;
static atomic_int rw_held_state;
static void* hold_rw_a_while(void* arg) {
    (void)arg;
    pthread_rwlock_wrlock(&clock_rw);
    atomic_store(&rw_held_state, 1);
    while (atomic_load(&rw_held_state) != 2) usleep(1000);
    pthread_rwlock_unlock(&clock_rw);
    return NULL;
}

// The *clock* calls (what libstdc++'s timed waits use): each times out once
// on a steady-clock deadline; a clock glibc cannot wait on is EINVAL, even
// where nothing would have waited.
static int clock_case(void) {
    pthread_t t, r;
    pthread_create(&t, NULL, hold_a_while, NULL);
    pthread_create(&r, NULL, hold_rw_a_while, NULL);
    while (atomic_load(&held_state) != 1 || atomic_load(&rw_held_state) != 1) usleep(1000);
    struct timespec soon = in_ms(CLOCK_MONOTONIC, 20);
    int m = pthread_mutex_clocklock(&held, CLOCK_MONOTONIC, &soon);
    soon = in_ms(CLOCK_MONOTONIC, 20);
    int rd = pthread_rwlock_clockrdlock(&clock_rw, CLOCK_MONOTONIC, &soon);
    pthread_mutex_t free_mutex = PTHREAD_MUTEX_INITIALIZER;
    int bad_m = pthread_mutex_clocklock(&free_mutex, CLOCK_PROCESS_CPUTIME_ID, &soon);
    int bad_rw = pthread_rwlock_clockwrlock(&clock_rw, CLOCK_PROCESS_CPUTIME_ID, &soon);
    atomic_store(&held_state, 2);
    atomic_store(&rw_held_state, 2);
    pthread_join(t, NULL);
    pthread_join(r, NULL);

    pthread_mutex_t cm = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
    struct timespec past = {0, 0};
    pthread_mutex_lock(&cm);
    int c = pthread_cond_clockwait(&cv, &cm, CLOCK_MONOTONIC, &past);
    int bad_c = pthread_cond_clockwait(&cv, &cm, CLOCK_PROCESS_CPUTIME_ID, &past);
    pthread_mutex_unlock(&cm);

    sem_t s;
    sem_init(&s, 0, 0);
    errno = 0;
    int sw = sem_clockwait(&s, CLOCK_MONOTONIC, &past);
    int sw_errno = errno;
    sem_post(&s);
    errno = 0;
    int bad_s = sem_clockwait(&s, CLOCK_PROCESS_CPUTIME_ID, &past);
    int bad_s_errno = errno;
    int value;
    sem_getvalue(&s, &value);
    printf("clock mutex %s rwlock %s cond %s sem %d %s; bad clock: mutex %s rwlock %s cond %s sem %d %s value %d\n",
           m == ETIMEDOUT ? "ETIMEDOUT" : strerror(m), rd == ETIMEDOUT ? "ETIMEDOUT" : strerror(rd),
           c == ETIMEDOUT ? "ETIMEDOUT" : strerror(c), sw, sw_errno == ETIMEDOUT ? "ETIMEDOUT" : strerror(sw_errno),
           bad_m == EINVAL ? "EINVAL" : strerror(bad_m), bad_rw == EINVAL ? "EINVAL" : strerror(bad_rw),
           bad_c == EINVAL ? "EINVAL" : strerror(bad_c), bad_s, bad_s_errno == EINVAL ? "EINVAL" : strerror(bad_s_errno),
           value);
    return 0;
}

// A cancel pending (sent while cancellation was disabled) meets a semaphore
// whose count is 1: glibc's sem_wait and sem_timedwait act on it even though
// they would not block; sem_clockwait does not (it is no cancellation point).
static sem_t cancel_sem;
static atomic_int cancel_stage;
static const char* cancel_call;
static void* meet_cancel_at_sem(void* arg) {
    (void)arg;
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
    atomic_store(&cancel_stage, 1);
    while (atomic_load(&cancel_stage) != 2) usleep(1000);
    pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
    struct timespec far = in_ms(CLOCK_REALTIME, 10000);
    if (!strcmp(cancel_call, "sem_wait")) sem_wait(&cancel_sem);
    else if (!strcmp(cancel_call, "sem_timedwait")) sem_timedwait(&cancel_sem, &far);
    else sem_clockwait(&cancel_sem, CLOCK_MONOTONIC, &far);
    atomic_store(&cancel_stage, 3);
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);  // returns normally from here on
    return NULL;
}

static int semcancel_case(void) {
    const char* calls[] = {"sem_wait", "sem_timedwait", "sem_clockwait"};
    for (int i = 0; i < 3; ++i) {
        cancel_call = calls[i];
        sem_init(&cancel_sem, 0, 1);
        atomic_store(&cancel_stage, 0);
        pthread_t t;
        pthread_create(&t, NULL, meet_cancel_at_sem, NULL);
        while (atomic_load(&cancel_stage) != 1) usleep(1000);
        pthread_cancel(t);
        atomic_store(&cancel_stage, 2);
        void* result;
        pthread_join(t, &result);
        int value;
        sem_getvalue(&cancel_sem, &value);
        printf("%s cancelled %d went on %d count %d\n", calls[i], result == PTHREAD_CANCELED,
               atomic_load(&cancel_stage) == 3, value);
    }
    return 0;
}

// Signals arriving during waits. A handler that locks (not async-signal-safe
// in POSIX, common in practice) runs while its thread waits for a mutex: the
// lock wait resumes and ends when the mutex is released. A semaphore wait
// interrupted by a handler installed without SA_RESTART returns EINTR.
static pthread_mutex_t signal_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t handler_mutex = PTHREAD_MUTEX_INITIALIZER;
static atomic_int handled, interrupted, waiter_ready;
static sem_t signal_sem;

static void lock_in_handler(int sig) {
    (void)sig;
    pthread_mutex_lock(&handler_mutex);
    atomic_fetch_add(&handled, 1);
    pthread_mutex_unlock(&handler_mutex);
}

static void* wait_for_mutex(void* arg) {
    int* result = arg;
    atomic_store(&waiter_ready, 1);
    *result = pthread_mutex_lock(&signal_mutex);
    pthread_mutex_unlock(&signal_mutex);
    return NULL;
}

static void* wait_for_sem(void* arg) {
    int* result = arg;
    int r;
    atomic_store(&waiter_ready, 1);
    while ((r = sem_wait(&signal_sem)) == -1 && errno == EINTR) atomic_store(&interrupted, 1);
    *result = r;
    return NULL;
}

static int signal_case(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = lock_in_handler;  // no SA_RESTART
    sigaction(SIGUSR1, &sa, NULL);

    int mutex_result = -1;
    pthread_mutex_lock(&signal_mutex);
    pthread_t t;
    pthread_create(&t, NULL, wait_for_mutex, &mutex_result);
    while (__atomic_load_n(&signal_mutex.__data.__lock, __ATOMIC_ACQUIRE) != 2) sched_yield();  // it waits
    for (int i = 0; i < 5; ++i) {
        int before = atomic_load(&handled);
        pthread_kill(t, SIGUSR1);
        while (atomic_load(&handled) == before) usleep(100);
    }
    pthread_mutex_unlock(&signal_mutex);
    pthread_join(t, NULL);

    int sem_result = -1;
    sem_init(&signal_sem, 0, 0);
    atomic_store(&waiter_ready, 0);
    pthread_create(&t, NULL, wait_for_sem, &sem_result);
    while (!atomic_load(&waiter_ready)) usleep(100);
    while (!atomic_load(&interrupted)) {
        pthread_kill(t, SIGUSR1);
        usleep(2000);
    }
    sem_post(&signal_sem);
    pthread_join(t, NULL);
    printf("signal mutex %d after %d handlers; sem %d after EINTR; mutex %p\n", mutex_result, 5, sem_result,
           (void*)&signal_mutex);
    return 0;
}

// A condition waiter woken while the signaller keeps holding the mutex: its
// re-lock inside pthread_cond_wait blocks, and is part of the condition wait,
// never a mutex wait. The signaller takes the mutex with trylock (not a wait)
// once the waiter has let go of it inside the condition wait.
static pthread_mutex_t relock_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t relock_cond = PTHREAD_COND_INITIALIZER;
static int relock_round;
static atomic_int relock_waiting;

static void* relock_waiter(void* arg) {
    int rounds = *(int*)arg;
    pthread_mutex_lock(&relock_mutex);
    for (int i = 1; i <= rounds; ++i) {
        atomic_store(&relock_waiting, i);
        while (relock_round < i) pthread_cond_wait(&relock_cond, &relock_mutex);
    }
    pthread_mutex_unlock(&relock_mutex);
    return NULL;
}

static int condrelock_case(int rounds) {
    pthread_t t;
    pthread_create(&t, NULL, relock_waiter, &rounds);
    for (int i = 1; i <= rounds; ++i) {
        while (atomic_load(&relock_waiting) != i) sched_yield();
        while (pthread_mutex_trylock(&relock_mutex) != 0) usleep(100);
        relock_round = i;
        pthread_cond_signal(&relock_cond);
        usleep(2000);  // the woken waiter now blocks on the re-lock
        pthread_mutex_unlock(&relock_mutex);
    }
    pthread_join(t, NULL);
    printf("condrelock %d rounds mutex %p cond %p\n", rounds, (void*)&relock_mutex, (void*)&relock_cond);
    return 0;
}

// Exactly N contended waits: the holder keeps the mutex until the waiter is
// known to be blocked on it (glibc's lock word says 2: a waiter), then
// releases it after a short sleep; the waiter takes it, lets it go, and says so.
static pthread_mutex_t handshake = PTHREAD_MUTEX_INITIALIZER;
static atomic_int round_started, round_done;

static void* handshake_waiter(void* arg) {
    int rounds = *(int*)arg;
    for (int i = 1; i <= rounds; ++i) {
        while (atomic_load(&round_started) != i) sched_yield();
        pthread_mutex_lock(&handshake);
        pthread_mutex_unlock(&handshake);
        atomic_store(&round_done, i);
    }
    return NULL;
}

__attribute__((noinline)) static void holder_releases(void) {
    pthread_mutex_unlock(&handshake);
    __asm__ volatile("" ::: "memory");  // keep the call a call, not a tail jump
}

static void handshake_rounds(int rounds) {
    atomic_store(&round_started, 0);
    atomic_store(&round_done, 0);
    pthread_t t;
    pthread_create(&t, NULL, handshake_waiter, &rounds);
    for (int i = 1; i <= rounds; ++i) {
        pthread_mutex_lock(&handshake);
        atomic_store(&round_started, i);
        while (__atomic_load_n(&handshake.__data.__lock, __ATOMIC_ACQUIRE) != 2) sched_yield();
        usleep(200);
        holder_releases();
        while (atomic_load(&round_done) != i) sched_yield();
    }
    pthread_join(t, NULL);
}

static int handshake_case(int rounds) {
    handshake_rounds(rounds);
    printf("handshake %d rounds mutex %p releaser %p waiter %p\n", rounds, (void*)&handshake, (void*)holder_releases,
           (void*)handshake_waiter);
    return 0;
}

// N handshaken waits, a fork, and N + 1 more in the child: each process's
// log counts its own.
static int fork_case(int rounds) {
    handshake_rounds(rounds);
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        handshake_rounds(rounds + 1);
        printf("child %d rounds\n", rounds + 1);
        exit(0);
    }
    int status;
    waitpid(child, &status, 0);
    printf("fork %d rounds, child exit %d, mutex %p\n", rounds, WEXITSTATUS(status), (void*)&handshake);
    return 0;
}

// C11 threads (glibc 2.34+ runs them inside libc, past the pthread hooks):
// N handshaken contended mtx_lock waits (the lock word says 2 once the waiter
// blocks), N releases at c11_releases, two thrd_joins of threads still
// sleeping, a recursive mtx, an mtx_timedlock that times out against a
// holder, a cnd_timedwait past its deadline and one with a bad deadline.
static mtx_t c11_mutex, c11_timed;
static cnd_t c11_cond;
static atomic_int c11_started, c11_done, c11_timed_state;

static int c11_waiter(void* arg) {
    int rounds = *(int*)arg;
    for (int i = 1; i <= rounds; ++i) {
        while (atomic_load(&c11_started) != i) sched_yield();
        mtx_lock(&c11_mutex);
        mtx_unlock(&c11_mutex);
        atomic_store(&c11_done, i);
    }
    usleep(100 * 1000);  // still running when main joins it
    return 7;
}

__attribute__((noinline)) static void c11_releases(void) {
    mtx_unlock(&c11_mutex);
    __asm__ volatile("" ::: "memory");
}

static int c11_hold_timed(void* arg) {
    (void)arg;
    mtx_lock(&c11_timed);
    atomic_store(&c11_timed_state, 1);
    while (atomic_load(&c11_timed_state) != 2) usleep(1000);
    mtx_unlock(&c11_timed);
    usleep(50 * 1000);  // still running when main joins it
    thrd_exit(3);       // an exit, not a return: the Thread record's end says which
}

static int c11_case(int rounds) {
    mtx_init(&c11_mutex, mtx_plain);
    cnd_init(&c11_cond);
    thrd_t t;
    thrd_create(&t, c11_waiter, &rounds);
    for (int i = 1; i <= rounds; ++i) {
        mtx_lock(&c11_mutex);
        atomic_store(&c11_started, i);
        while (__atomic_load_n(&((pthread_mutex_t*)&c11_mutex)->__data.__lock, __ATOMIC_ACQUIRE) != 2) sched_yield();
        usleep(200);
        c11_releases();
        while (atomic_load(&c11_done) != i) sched_yield();
    }
    int res = 0, joined = thrd_join(t, &res);

    mtx_t r;
    int init = mtx_init(&r, mtx_plain | mtx_recursive);
    int a = mtx_lock(&r), b = mtx_lock(&r), c = mtx_trylock(&r);
    int d = mtx_unlock(&r), e = mtx_unlock(&r), f = mtx_unlock(&r);

    mtx_init(&c11_timed, mtx_timed);
    thrd_t h;
    thrd_create(&h, c11_hold_timed, NULL);
    while (atomic_load(&c11_timed_state) != 1) usleep(1000);
    struct timespec soon;
    timespec_get(&soon, TIME_UTC);
    soon.tv_nsec += 20 * 1000000;
    if (soon.tv_nsec >= 1000000000) soon.tv_sec++, soon.tv_nsec -= 1000000000;
    int timed = mtx_timedlock(&c11_timed, &soon);
    atomic_store(&c11_timed_state, 2);
    int exited = -1;
    thrd_join(h, &exited);
    int timed_free = mtx_timedlock(&c11_timed, &soon);  // free now: no deadline looked at
    mtx_unlock(&c11_timed);

    struct timespec past = {1, 0}, bad = {0, 2000000000};
    mtx_lock(&c11_mutex);
    int cond_past = cnd_timedwait(&c11_cond, &c11_mutex, &past);
    int cond_bad = cnd_timedwait(&c11_cond, &c11_mutex, &bad);
    mtx_unlock(&c11_mutex);
    printf("c11 %d rounds join %d res %d exit %d / recursive %d %d %d %d / %d %d %d / timed %d %d / cond %d %d / "
           "mutex %p releaser %p timed %p cond %p waiter %p holder %p\n",
           rounds, joined == thrd_success, res, exited, init == thrd_success, a, b, c, d, e, f,
           timed == thrd_timedout, timed_free, cond_past == thrd_timedout, cond_bad == thrd_error, (void*)&c11_mutex,
           (void*)c11_releases, (void*)&c11_timed, (void*)&c11_cond, (void*)c11_waiter, (void*)c11_hold_timed);
    return 0;
}

// The timed joins: one that times out on a thread still sleeping, one that
// waits it out on the monotonic clock, a clock glibc cannot wait on (EINVAL,
// even for a thread that has ended), and a timed join of an ended thread (no wait).
static void* sleep_then_return(void* arg) {
    usleep(*(int*)arg * 1000);
    return (void*)42;
}

static int timedjoin_case(void) {
    int long_ms = 200, none = 0;
    pthread_t t, quick;
    pthread_create(&t, NULL, sleep_then_return, &long_ms);
    struct timespec soon = in_ms(CLOCK_REALTIME, 20);
    void* value = NULL;
    int gave_up = pthread_timedjoin_np(t, &value, &soon);
    struct timespec later = in_ms(CLOCK_MONOTONIC, 5000);
    int waited = pthread_clockjoin_np(t, &value, CLOCK_MONOTONIC, &later);
    long got = (long)value;
    pthread_create(&quick, NULL, sleep_then_return, &none);
    usleep(50 * 1000);
    int bad_clock = pthread_clockjoin_np(quick, &value, CLOCK_PROCESS_CPUTIME_ID, &later);
    int ended = pthread_timedjoin_np(quick, &value, &soon);  // a past deadline: the thread has ended
    int busy = pthread_tryjoin_np(pthread_self(), NULL);
    int self = pthread_timedjoin_np(pthread_self(), NULL, &later);
    printf("timedjoin %d %d %ld / %d %d %ld / tryjoin-self %d timedjoin-self %d\n", gave_up == ETIMEDOUT, waited, got,
           bad_clock == EINVAL, ended, (long)value, busy == EBUSY, self == EDEADLK);
    return 0;
}

// N contended spin-lock waits: the holder keeps the lock 20 ms after the
// waiter says it is about to lock (it spins on a CPU meanwhile; the hook's
// try fails unless the waiter was kept off every CPU that long).
static pthread_spinlock_t spin;
static atomic_int spin_started, spin_about, spin_done;
static long spin_total;

static void* spin_waiter(void* arg) {
    int rounds = *(int*)arg;
    for (int i = 1; i <= rounds; ++i) {
        while (atomic_load(&spin_started) != i) sched_yield();
        atomic_store(&spin_about, i);
        pthread_spin_lock(&spin);
        spin_total++;
        pthread_spin_unlock(&spin);
        atomic_store(&spin_done, i);
    }
    return NULL;
}

static int spin_case(int rounds) {
    pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
    pthread_t t;
    pthread_create(&t, NULL, spin_waiter, &rounds);
    int uncontended = 0;
    for (int i = 1; i <= rounds; ++i) {
        uncontended |= pthread_spin_lock(&spin);
        atomic_store(&spin_started, i);
        while (atomic_load(&spin_about) != i) sched_yield();
        usleep(20 * 1000);
        spin_total++;
        pthread_spin_unlock(&spin);
        while (atomic_load(&spin_done) != i) sched_yield();
    }
    pthread_join(t, NULL);
    int busy = pthread_spin_trylock(&spin);
    int again = pthread_spin_trylock(&spin);
    pthread_spin_unlock(&spin);
    printf("spin %d rounds total %ld locks %d trylock %d %d lock %p\n", rounds, spin_total, uncontended, busy,
           again == EBUSY, (void*)&spin);
    return 0;
}

// Waits ended by pthread_cancel are still waits: one thread cancelled in
// pthread_join of a sleeping thread, one in sem_wait at 0, one in
// pthread_cond_wait (its own cleanup handler unlocks the re-acquired mutex).
// Each handler of the program's runs, as bare. Then main joins the sleeper.
static sem_t cw_sem;
static pthread_mutex_t cw_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cw_cond = PTHREAD_COND_INITIALIZER;
static pthread_t cw_sleeper;
static atomic_int cw_sleeper_tid, cw_ready, cw_cleaned;

static void cw_note_cleanup(void* arg) { atomic_fetch_add(&cw_cleaned, *(int*)arg); }
static void cw_unlock(void* arg) {
    atomic_fetch_add(&cw_cleaned, 4);
    pthread_mutex_unlock((pthread_mutex_t*)arg);
}

static void* cw_sleep(void* arg) {
    (void)arg;
    atomic_store(&cw_sleeper_tid, (int)gettid());
    usleep(400 * 1000);
    return (void*)5;
}

static void* cw_join(void* arg) {
    (void)arg;
    static int one = 1;
    pthread_cleanup_push(cw_note_cleanup, &one);
    atomic_fetch_add(&cw_ready, 1);
    pthread_join(cw_sleeper, NULL);
    pthread_cleanup_pop(0);
    return NULL;
}

static void* cw_sem_wait(void* arg) {
    (void)arg;
    static int two = 2;
    pthread_cleanup_push(cw_note_cleanup, &two);
    atomic_fetch_add(&cw_ready, 1);
    sem_wait(&cw_sem);
    pthread_cleanup_pop(0);
    return NULL;
}

static void* cw_cond_wait(void* arg) {
    (void)arg;
    pthread_mutex_lock(&cw_mutex);
    pthread_cleanup_push(cw_unlock, &cw_mutex);
    atomic_fetch_add(&cw_ready, 1);
    for (;;) pthread_cond_wait(&cw_cond, &cw_mutex);
    pthread_cleanup_pop(1);
    return NULL;
}

static int cancelwaits_case(void) {
    sem_init(&cw_sem, 0, 0);
    pthread_create(&cw_sleeper, NULL, cw_sleep, NULL);
    pthread_t waiters[3];
    void* (*bodies[3])(void*) = {cw_join, cw_sem_wait, cw_cond_wait};
    for (int i = 0; i < 3; ++i) pthread_create(&waiters[i], NULL, bodies[i], NULL);
    while (atomic_load(&cw_ready) != 3 || atomic_load(&cw_sleeper_tid) == 0) usleep(1000);
    usleep(50 * 1000);  // all three blocked by now
    int cancelled = 0;
    for (int i = 0; i < 3; ++i) {
        void* result = NULL;
        pthread_cancel(waiters[i]);
        pthread_join(waiters[i], &result);
        cancelled += result == PTHREAD_CANCELED;
    }
    int relock = pthread_mutex_trylock(&cw_mutex);  // the condition waiter's handler released it
    pthread_mutex_unlock(&cw_mutex);
    void* slept = NULL;
    int joined = pthread_join(cw_sleeper, &slept);  // joinable again after the cancelled join
    int value = -1;
    sem_getvalue(&cw_sem, &value);
    printf("cancelwaits cancelled %d cleanups %d relock %d join %d value %ld sem %d\n", cancelled,
           atomic_load(&cw_cleaned), relock, joined, (long)slept, value);
    printf("sem %p cond %p\n", (void*)&cw_sem, (void*)&cw_cond);
    FILE* tid = fopen("cancelwaits.tid", "w");  // differs from run to run: not printed
    if (tid != NULL) fprintf(tid, "%d\n", atomic_load(&cw_sleeper_tid)), fclose(tid);
    return 0;
}

int main(int argc, char** argv) {
    const char* mode = argc > 1 ? argv[1] : "";
    if (!strcmp(mode, "static")) return static_mutex_case();
    if (!strcmp(mode, "recursive")) return recursive_case();
    if (!strcmp(mode, "robust")) return robust_case();
    if (!strcmp(mode, "errorcheck")) return errorcheck_case();
    if (!strcmp(mode, "timedlock")) return timedlock_case();
    if (!strcmp(mode, "rwlock")) return rwlock_case();
    if (!strcmp(mode, "condpool")) return condpool_case();
    if (!strcmp(mode, "sem")) return sem_case();
    if (!strcmp(mode, "barrier")) return barrier_case();
    if (!strcmp(mode, "cancel")) return cancel_case();
    if (!strcmp(mode, "handshake")) return handshake_case(argc > 2 ? atoi(argv[2]) : 100);
    if (!strcmp(mode, "clock")) return clock_case();
    if (!strcmp(mode, "condrelock")) return condrelock_case(argc > 2 ? atoi(argv[2]) : 20);
    if (!strcmp(mode, "semcancel")) return semcancel_case();
    if (!strcmp(mode, "signal")) return signal_case();
    if (!strcmp(mode, "cancelwaits")) return cancelwaits_case();
    if (!strcmp(mode, "c11")) return c11_case(argc > 2 ? atoi(argv[2]) : 50);
    if (!strcmp(mode, "timedjoin")) return timedjoin_case();
    if (!strcmp(mode, "spin")) return spin_case(argc > 2 ? atoi(argv[2]) : 20);
    if (!strcmp(mode, "fork")) return fork_case(argc > 2 ? atoi(argv[2]) : 10);
    fprintf(stderr, "usage: waits_cases static|recursive|robust|errorcheck|timedlock|rwlock|condpool|sem|barrier|cancel|handshake [N]|clock|condrelock [N]|semcancel|signal|fork [N]\n");
    return 2;
}
