/* short_cpu_threads: COUNT threads one after another, each spinning a fixed
 * number of iterations in task() (thread k: (k % 4 + 1) units), so the
 * samples each kind gets must follow its CPU: 1:2:3:4.
 * Usage: short_cpu_threads [COUNT]   (default 400; one unit is ~0.5 ms here) */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static unsigned long spin(unsigned long n, unsigned long seed) {
    for (unsigned long i = 0; i < n; ++i) seed = seed * 6364136223846793005ul + 1442695040888963407ul;
    return seed;
}

#define TASK(k) \
    __attribute__((noinline)) void *task##k(void *arg) { return (void *)spin(k * 300000ul, (unsigned long)arg); }
TASK(1)
TASK(2)
TASK(3)
TASK(4)

int main(int argc, char **argv) {
    long count = argc > 1 ? atol(argv[1]) : 400;
    void *(*tasks[4])(void *) = {task1, task2, task3, task4};
    unsigned long sum = 0;
    for (long k = 0; k < count; ++k) {
        pthread_t t;
        void *result;
        if (pthread_create(&t, NULL, tasks[k % 4], (void *)k) != 0) return 1;
        pthread_join(t, &result);
        sum ^= (unsigned long)result;
    }
    printf("%lx\n", sum);
    return 0;
}
