/* Allocates a lot, fast: ROUNDS rounds, SLEEP_MS apart, each of SMALL
   allocations (a ring of 64 live blocks of pseudo-random sizes, each freed
   when its slot comes round) then BIG blocks of 1 MiB and some, in a ring of 8.
   The small ones fill the log with exact events; the big ones are each
   sampled even in sampling mode (they are larger than its mean gap). Prints
   a result that depends on every block's contents, and exits with 3: the
   disk budget's test (SHIM_MAX_LOG_MB) compares both with an untraced run. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { kRing = 64, kBigBytes = 1 << 20 };

int main(int argc, char** argv) {
    long rounds = argc > 1 ? atol(argv[1]) : 1;
    long small = argc > 2 ? atol(argv[2]) : 1000000;
    long big = argc > 3 ? atol(argv[3]) : 0;
    long sleep_ms = argc > 4 ? atol(argv[4]) : 0;
    unsigned char* ring[kRing] = {0};
    unsigned char* big_ring[8] = {0};
    uint64_t random = 88172645463325252ull, sum = 0, bytes = 0;
    for (long r = 0; r < rounds; ++r) {
        if (r > 0 && sleep_ms > 0) {
            struct timespec gap = {sleep_ms / 1000, (sleep_ms % 1000) * 1000000L};
            nanosleep(&gap, NULL);
        }
        for (long i = 0; i < small; ++i) {
            random ^= random << 13, random ^= random >> 7, random ^= random << 17;
            size_t size = 8 + random % 200;
            unsigned slot = (unsigned)(i % kRing);
            if (ring[slot] != NULL) {
                sum = sum * 31 + ring[slot][0];
                free(ring[slot]);
            }
            ring[slot] = malloc(size);
            if (ring[slot] == NULL) return 2;
            memset(ring[slot], (int)(random >> 32), size);
            bytes += size;
        }
        for (long i = 0; i < big; ++i) {
            random ^= random << 13, random ^= random >> 7, random ^= random << 17;
            size_t size = kBigBytes + random % 65536;
            unsigned slot = (unsigned)(i % 8);
            if (big_ring[slot] != NULL) {
                sum = sum * 31 + big_ring[slot][0];
                free(big_ring[slot]);
            }
            big_ring[slot] = malloc(size);
            if (big_ring[slot] == NULL) return 2;
            big_ring[slot][0] = (unsigned char)random;
            bytes += size;
        }
    }
    for (unsigned i = 0; i < kRing; ++i) free(ring[i]);
    for (unsigned i = 0; i < 8; ++i) free(big_ring[i]);
    printf("allocations=%ld bytes=%llu checksum=%llu\n", rounds * (small + big), (unsigned long long)bytes,
           (unsigned long long)sum);
    return 3; /* not 0: the exit code must come through unchanged too */
}
