/* Rounds of threads that spend their lives inside malloc and free, with
   blocks too large for glibc's per-thread cache, so the arena's lock is held
   most of the time. From the second round on, every allocation site is one
   the shim has already unwound: a thread need not unwind until the CPU
   profile's first signal lands, most likely inside malloc. libunwind's first
   unwind on a thread allocates (its thread-local state): there, that waited
   for the lock the thread itself held, for ever. Usage:
   first_sample_in_malloc ROUNDS THREADS ITERATIONS; prints a checksum. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum { kRing = 16, kMaxThreads = 64 };

static long g_iterations;

struct Churn {
    uint64_t sum;
    int index;
};

static void* churn(void* arg) {
    struct Churn* c = arg;
    uint64_t* sum = &c->sum;
    unsigned char* ring[kRing] = {0};
    uint64_t random = 88172645463325252ull ^ (uint64_t)c->index;
    for (long i = 0; i < g_iterations; ++i) {
        random ^= random << 13, random ^= random >> 7, random ^= random << 17;
        unsigned char** slot = &ring[i % kRing];
        if (*slot != NULL) {
            *sum += (*slot)[0];
            free(*slot);
        }
        *slot = malloc(2048 + random % 4096);
        if (*slot == NULL) exit(2);
        (*slot)[0] = (unsigned char)random;
    }
    for (int i = 0; i < kRing; ++i) free(ring[i]);
    return NULL;
}

int main(int argc, char** argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: first_sample_in_malloc ROUNDS THREADS ITERATIONS\n");
        return 2;
    }
    int rounds = atoi(argv[1]), threads = atoi(argv[2]);
    g_iterations = atol(argv[3]);
    if (threads < 1 || threads > kMaxThreads) return 2;
    struct Churn work[kMaxThreads] = {{0, 0}};
    uint64_t total = 0;
    for (int r = 0; r < rounds; ++r) {
        pthread_t ids[kMaxThreads];
        for (int t = 0; t < threads; ++t) {
            work[t].index = r * threads + t;
            if (pthread_create(&ids[t], NULL, churn, &work[t]) != 0) return 2;
        }
        for (int t = 0; t < threads; ++t) pthread_join(ids[t], NULL);
    }
    for (int t = 0; t < threads; ++t) total += work[t].sum;
    printf("%llu\n", (unsigned long long)total);
    return 0;
}
