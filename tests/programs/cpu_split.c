/* cpu_split: two threads, each running heavy() for 3 units of work and light()
 * for 1, so 75% of all CPU is in heavy() and 25% in light() by construction
 * (the same loop body, iteration counts 3:1). Each round's size varies
 * (0.25x to 1.75x, the same for both functions), so that the work's rhythm
 * cannot beat with the kernel's tick, where CPU timers expire. Prints the
 * checksum only.
 * Usage: cpu_split [UNITS]   (default 40; one unit is ~5 ms of CPU here) */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static long units = 40;

static unsigned long spin(unsigned long n, unsigned long seed) {
    for (unsigned long i = 0; i < n; ++i) seed = seed * 6364136223846793005ul + 1442695040888963407ul;
    return seed;
}

__attribute__((noinline)) unsigned long heavy(unsigned long n, unsigned long seed) { return spin(3 * n, seed); }
__attribute__((noinline)) unsigned long light(unsigned long n, unsigned long seed) { return spin(n, seed); }

static void *work(void *arg) {
    unsigned long seed = (unsigned long)arg;
    unsigned long step = 12345;
    for (long u = 0; u < units; ++u) {
        step = step * 1103515245ul + 12345ul;
        unsigned long n = 250000ul + (step >> 16) % 1500000ul;  /* 0.25 to 1.75 million */
        seed = light(n, heavy(n, seed));
    }
    return (void *)seed;
}

int main(int argc, char **argv) {
    if (argc > 1) units = atol(argv[1]);
    pthread_t threads[2];
    for (long i = 0; i < 2; ++i)
        if (pthread_create(&threads[i], NULL, work, (void *)(i + 1)) != 0) return 1;
    unsigned long sum = 0;
    for (int i = 0; i < 2; ++i) {
        void *result;
        pthread_join(threads[i], &result);
        sum ^= (unsigned long)result;
    }
    printf("%lx\n", sum);
    return 0;
}
