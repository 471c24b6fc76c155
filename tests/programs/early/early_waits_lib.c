/* A library whose constructor starts a thread and waits for it, on a mutex,
   a condition variable and a join, before the shim's own constructor has
   run: the hooks see waits before the shim has a log or its thread-end key. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <unistd.h>

int early_waits_done;
void* early_waits_mutex;

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int posted;
static atomic_int round_started, round_done, main_waiting;

static void* waiter(void* arg) {
    int rounds = *(int*)arg;
    for (int i = 1; i <= rounds; ++i) {
        while (atomic_load(&round_started) != i) sched_yield();
        pthread_mutex_lock(&mutex); /* held by the constructor: a contended wait */
        pthread_mutex_unlock(&mutex);
        atomic_store(&round_done, i);
    }
    while (!atomic_load(&main_waiting)) sched_yield();
    while (pthread_mutex_trylock(&mutex) != 0) usleep(100); /* not a wait: the count stays exact */
    posted = 1;
    pthread_cond_signal(&cond);
    pthread_mutex_unlock(&mutex);
    return NULL;
}

__attribute__((constructor)) static void wait_early(void) {
    static int rounds = 5;
    pthread_t t;
    pthread_create(&t, NULL, waiter, &rounds);
    for (int i = 1; i <= rounds; ++i) {
        pthread_mutex_lock(&mutex);
        atomic_store(&round_started, i);
        while (__atomic_load_n(&mutex.__data.__lock, __ATOMIC_ACQUIRE) != 2) sched_yield();
        usleep(200);
        pthread_mutex_unlock(&mutex);
        while (atomic_load(&round_done) != i) sched_yield();
    }
    pthread_mutex_lock(&mutex);
    atomic_store(&main_waiting, 1);
    while (!posted) pthread_cond_wait(&cond, &mutex);
    pthread_mutex_unlock(&mutex);
    pthread_join(t, NULL);
    early_waits_done = rounds;
    early_waits_mutex = &mutex;
}
