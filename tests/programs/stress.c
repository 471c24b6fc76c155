/* N threads (default 16), each making R rounds (default 200,000) of
   malloc + free + a 1-byte read of /dev/zero, with exact tallies printed at
   the end for the tests to compare with the shim's figures. With "fork" as
   the third argument, one thread forks a child midway (which exits at once). */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static long g_rounds = 200000;
static int g_fork;
static int g_zero = -1;

struct tally {
    int index;
    long allocations;
    long reads;
};

static void* worker(void* arg) {
    struct tally* t = arg;
    char byte;
    for (long i = 0; i < g_rounds; ++i) {
        void* p = malloc(8 + (size_t)(i & 255));
        if (p == NULL) abort();
        t->allocations++;
        free(p);
        if (read(g_zero, &byte, 1) == 1) t->reads++;
        if (g_fork && t->index == 0 && i == g_rounds / 2) {
            pid_t child = fork();
            if (child == 0) _exit(0);
            waitpid(child, NULL, 0);
        }
    }
    return NULL;
}

int main(int argc, char** argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 16;
    if (argc > 2) g_rounds = atol(argv[2]);
    g_fork = argc > 3 && strcmp(argv[3], "fork") == 0;
    if (threads <= 0 || threads > 256 || g_rounds <= 0) {
        fprintf(stderr, "usage: stress [THREADS [ROUNDS [fork]]]\n");
        return 2;
    }
    g_zero = open("/dev/zero", O_RDONLY);
    pthread_t ids[256];
    struct tally tallies[256];
    memset(tallies, 0, sizeof tallies);
    for (int i = 0; i < threads; ++i) {
        tallies[i].index = i;
        pthread_create(&ids[i], NULL, worker, &tallies[i]);
    }
    long allocations = 0, reads = 0;
    for (int i = 0; i < threads; ++i) {
        pthread_join(ids[i], NULL);
        allocations += tallies[i].allocations;
        reads += tallies[i].reads;
    }
    printf("allocations %ld reads %ld\n", allocations, reads);
    return 0;
}
