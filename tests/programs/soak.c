/* A long run for the scale checks: T threads (default 2) for S seconds, each
   keeping a ring of 4096 live blocks that it replaces at random (sizes 8 B to
   4 KiB, from four call sites) and reading 64 bytes of /dev/zero every 64
   replacements. Prints exact tallies, and its resident memory at a quarter
   of the run and at the end, so the tests can see the shim's state stays
   bounded while its events grow. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

enum { kRing = 4096 };

static double g_seconds = 60;
static int g_zero = -1;
static struct timespec g_start;

struct tally {
    unsigned seed;
    long allocations, frees, reads;
};

static double elapsed(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - g_start.tv_sec) + (double)(now.tv_nsec - g_start.tv_nsec) / 1e9;
}

/* Distinct call sites, so the report has more than one stack to rank. */
__attribute__((noinline)) static void* small_node(size_t n) { return malloc(8 + n % 56); }
__attribute__((noinline)) static void* record_buffer(size_t n) { return malloc(64 + n % 448); }
__attribute__((noinline)) static void* page_buffer(size_t n) { return malloc(512 + n % 3584); }
__attribute__((noinline)) static void* zeroed_array(size_t n) { return calloc(1 + n % 32, 16); }

static void* replace_blocks(void* arg) {
    struct tally* t = arg;
    void* ring[kRing] = {0};
    char buf[64];
    for (long i = 0;; ++i) {
        if ((i & 4095) == 0 && elapsed() >= g_seconds) break;
        unsigned r = rand_r(&t->seed);
        void** slot = &ring[r % kRing];
        if (*slot != NULL) {
            free(*slot);
            t->frees++;
        }
        switch ((r >> 12) & 3) {
            case 0: *slot = small_node(r >> 14); break;
            case 1: *slot = record_buffer(r >> 14); break;
            case 2: *slot = page_buffer(r >> 14); break;
            default: *slot = zeroed_array(r >> 14); break;
        }
        if (*slot == NULL) abort();
        t->allocations++;
        if ((i & 63) == 0 && read(g_zero, buf, sizeof buf) == (ssize_t)sizeof buf) t->reads++;
    }
    for (int k = 0; k < kRing; ++k)
        if (ring[k] != NULL) {
            free(ring[k]);
            t->frees++;
        }
    return NULL;
}

static long resident_kb(void) {
    long pages = 0, resident = 0;
    FILE* f = fopen("/proc/self/statm", "r");
    if (f == NULL) return -1;
    if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = -1;
    fclose(f);
    return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

int main(int argc, char** argv) {
    if (argc > 1) g_seconds = atof(argv[1]);
    int threads = argc > 2 ? atoi(argv[2]) : 2;
    if (argc > 3 || g_seconds <= 0 || threads <= 0 || threads > 64) {
        fprintf(stderr, "usage: soak [SECONDS [THREADS]]\n");
        return 2;
    }
    g_zero = open("/dev/zero", O_RDONLY);
    if (g_zero < 0) {
        perror("soak: /dev/zero");
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &g_start);
    pthread_t ids[64];
    struct tally tallies[64] = {{0}};
    for (int i = 0; i < threads; ++i) {
        tallies[i].seed = 1234u + (unsigned)i;
        pthread_create(&ids[i], NULL, replace_blocks, &tallies[i]);
    }
    struct timespec quarter = {(time_t)(g_seconds / 4), (long)((g_seconds / 4 - (long)(g_seconds / 4)) * 1e9)};
    nanosleep(&quarter, NULL);
    long rss_quarter = resident_kb();
    long allocations = 0, frees = 0, reads = 0;
    for (int i = 0; i < threads; ++i) {
        pthread_join(ids[i], NULL);
        allocations += tallies[i].allocations;
        frees += tallies[i].frees;
        reads += tallies[i].reads;
    }
    long rss_end = resident_kb();
    printf("allocations %ld\nfrees %ld\nreads %ld\nrss_kb_quarter %ld\nrss_kb_end %ld\n", allocations, frees, reads,
           rss_quarter, rss_end);
    return 0;
}
