/* N pthread_create + pthread_join pairs (default 3000); prints the wall and
 * the process CPU time per pair in ns, from inside the loop, so the process's
 * start and exit are left out. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void* nothing(void* arg) { return arg; }

static double ns(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(int argc, char** argv) {
    long n = argc > 1 ? atol(argv[1]) : 3000;
    if (n <= 0) return 2;
    double wall = ns(CLOCK_MONOTONIC), cpu = ns(CLOCK_PROCESS_CPUTIME_ID);
    for (long i = 0; i < n; i++) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, nothing, NULL) != 0) return 1;
        pthread_join(thread, NULL);
    }
    printf("%.0f %.0f\n", (ns(CLOCK_MONOTONIC) - wall) / n, (ns(CLOCK_PROCESS_CPUTIME_ID) - cpu) / n);
    return 0;
}
