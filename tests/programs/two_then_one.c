/* two_then_one: two threads each burn SECONDS of CPU at once, then the main
 * thread burns SECONDS alone. Serial fraction: 1/3 of the CPU work.
 * Usage: two_then_one [SECONDS]   (default 0.5) */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

static double seconds = 0.5;

static double thread_cpu(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/* Spins until this thread has used `seconds` more CPU: the work is fixed
 * even when the machine is busy. */
static void *burn(void *arg) {
    volatile unsigned long sink = 0;
    double until = thread_cpu() + seconds;
    while (thread_cpu() < until)
        for (int i = 0; i < 10000; ++i) sink += i;
    return arg;
}

int main(int argc, char **argv) {
    if (argc > 1) seconds = atof(argv[1]);
    pthread_t workers[2];
    for (int i = 0; i < 2; ++i)
        if (pthread_create(&workers[i], NULL, burn, NULL) != 0) return 1;
    for (int i = 0; i < 2; ++i) pthread_join(workers[i], NULL);
    burn(NULL);
    return 0;
}
