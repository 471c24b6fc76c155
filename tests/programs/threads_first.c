/* Threads made before the program allocates anything, each spinning in
   spin() for ARG ms of CPU (default 300); prints a checksum. Their CPU
   samples must have whole stacks. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double thread_cpu_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static long g_ms = 300;

__attribute__((noinline)) static unsigned long spin(void) {
    unsigned long x = 1;
    double start = thread_cpu_ms();
    while (thread_cpu_ms() - start < (double)g_ms)
        for (int i = 0; i < 10000; ++i) x = x * 6364136223846793005ul + 1442695040888963407ul;
    return x;
}

static void* work(void* out) {
    *(unsigned long*)out = spin();
    return NULL;
}

int main(int argc, char** argv) {
    if (argc > 1) g_ms = atol(argv[1]);
    pthread_t threads[2];
    unsigned long results[2] = {0, 0};
    for (int i = 0; i < 2; ++i)
        if (pthread_create(&threads[i], NULL, work, &results[i]) != 0) return 1;
    for (int i = 0; i < 2; ++i) pthread_join(threads[i], NULL);
    printf("%lu\n", (results[0] + results[1]) % 1000);
    return 0;
}
