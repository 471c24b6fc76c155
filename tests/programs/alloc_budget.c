/* Allocates a lot, fast: ROUNDS rounds, SLEEP_MS apart, in each THREADS
   threads (default 1: the main thread itself) making SMALL allocations (a
   ring of 64 live blocks of pseudo-random sizes, each freed when its slot
   comes round) then BIG blocks of 1 MiB and some, in a ring of 8. The small
   ones fill the log with exact events; the big ones are each sampled even in
   sampling mode (they are larger than its mean gap). Prints a result that
   depends on every block's contents, and exits with 3: the disk budget's
   test (SHIM_MAX_LOG_MB) compares both with an untraced run. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { kRing = 64, kBigRing = 8, kBigBytes = 1 << 20, kMaxThreads = 16 };

struct Work {
    long small, big;
    uint64_t random, sum, bytes;
};

static uint64_t next(struct Work* w) {
    w->random ^= w->random << 13, w->random ^= w->random >> 7, w->random ^= w->random << 17;
    return w->random;
}

/* Frees the block in `slot` (taking its first byte into the sum), then
   allocates one of `size` bytes there, its first byte set. */
static void replace(struct Work* w, unsigned char** slot, size_t size, size_t fill) {
    if (*slot != NULL) {
        w->sum = w->sum * 31 + (*slot)[0];
        free(*slot);
    }
    *slot = malloc(size);
    if (*slot == NULL) exit(2);
    memset(*slot, (int)(w->random >> 32), fill);
    w->bytes += size;
}

static void* work(void* arg) {
    struct Work* w = arg;
    unsigned char* ring[kRing] = {0};
    unsigned char* big_ring[kBigRing] = {0};
    for (long i = 0; i < w->small; ++i) {
        size_t size = 8 + next(w) % 200;
        replace(w, &ring[i % kRing], size, size);
    }
    for (long i = 0; i < w->big; ++i) replace(w, &big_ring[i % kBigRing], kBigBytes + next(w) % 65536, 1);
    for (unsigned i = 0; i < kRing; ++i) free(ring[i]);
    for (unsigned i = 0; i < kBigRing; ++i) free(big_ring[i]);
    return NULL;
}

int main(int argc, char** argv) {
    long rounds = argc > 1 ? atol(argv[1]) : 1;
    long small = argc > 2 ? atol(argv[2]) : 1000000;
    long big = argc > 3 ? atol(argv[3]) : 0;
    long sleep_ms = argc > 4 ? atol(argv[4]) : 0;
    long threads = argc > 5 ? atol(argv[5]) : 1;
    if (threads < 1 || threads > kMaxThreads) return 1;
    uint64_t sum = 0, bytes = 0;
    for (long r = 0; r < rounds; ++r) {
        if (r > 0 && sleep_ms > 0) {
            struct timespec gap = {sleep_ms / 1000, (sleep_ms % 1000) * 1000000L};
            nanosleep(&gap, NULL);
        }
        struct Work w[kMaxThreads];
        pthread_t ids[kMaxThreads];
        for (long t = 0; t < threads; ++t)
            w[t] = (struct Work){small, big, 88172645463325252ull + (uint64_t)(r * kMaxThreads + t) * 7919, 0, 0};
        if (threads == 1) {
            work(&w[0]);
        } else {
            for (long t = 0; t < threads; ++t)
                if (pthread_create(&ids[t], NULL, work, &w[t]) != 0) return 1;
            for (long t = 0; t < threads; ++t) pthread_join(ids[t], NULL);
        }
        for (long t = 0; t < threads; ++t) sum += w[t].sum, bytes += w[t].bytes; /* a sum: any order */
    }
    printf("allocations=%ld bytes=%llu checksum=%llu\n", rounds * threads * (small + big),
           (unsigned long long)bytes, (unsigned long long)sum);
    return 3; /* not 0: the exit code must come through unchanged too */
}
