/* sigpending_quota: a program that needs most of its pending-signal quota
 * (RLIMIT_SIGPENDING) for POSIX timers of its own, while many threads are
 * alive. Each timer the profile arms holds one slot of the same quota, so a
 * profile that armed one per thread would make the program's own
 * timer_create fail. Exits 1 (and says how far it got) if any of its timers
 * cannot be created, 0 otherwise.
 * Usage: sigpending_quota THREADS TIMERS */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static pthread_barrier_t all_started, may_end;

static void *wait_for_main(void *arg) {
    (void)arg;
    pthread_barrier_wait(&all_started);
    pthread_barrier_wait(&may_end);
    return NULL;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 300;
    int timers = argc > 2 ? atoi(argv[2]) : 200;
    pthread_t *ids = calloc((size_t)threads, sizeof *ids);
    pthread_barrier_init(&all_started, NULL, (unsigned)threads + 1);
    pthread_barrier_init(&may_end, NULL, (unsigned)threads + 1);
    for (int i = 0; i < threads; ++i)
        if (pthread_create(&ids[i], NULL, wait_for_main, NULL) != 0) return 2;
    pthread_barrier_wait(&all_started);

    int made = 0;
    for (; made < timers; ++made) {
        struct sigevent event = {.sigev_notify = SIGEV_NONE};
        timer_t timer;
        if (timer_create(CLOCK_MONOTONIC, &event, &timer) != 0) break;
    }
    pthread_barrier_wait(&may_end);
    for (int i = 0; i < threads; ++i) pthread_join(ids[i], NULL);
    free(ids);
    printf("%d of %d timers\n", made, timers);
    return made == timers ? 0 : 1;
}
