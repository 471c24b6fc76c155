/* Allocations from 2^LEVELS different call stacks: walk() recurses LEVELS
   deep, each level through one of two call sites chosen by a bit of the path,
   and allocates at the bottom. With THREADS threads each walks every path.
   Usage: many_stacks LEVELS THREADS */
#include <pthread.h>
#include <stdlib.h>

static void* volatile sink;
static volatile int counter;
static int levels;

__attribute__((noinline)) static void walk(int level, unsigned path) {
    if (level == 0) {
        void* block = malloc(16); /* a local: two threads share `sink` */
        sink = block;
        free(block);
        return;
    }
    if (path & 1) {
        walk(level - 1, path >> 1);
        counter += 1;  /* a different continuation: a different return address */
    } else {
        walk(level - 1, path >> 1);
        counter += 2;
    }
}

static void* walk_all(void* unused) {
    (void)unused;
    for (unsigned path = 0; path < (1u << levels); ++path) walk(levels, path);
    return NULL;
}

int main(int argc, char** argv) {
    levels = argc > 1 ? atoi(argv[1]) : 15;
    int threads = argc > 2 ? atoi(argv[2]) : 1;
    pthread_t ids[16];
    for (int i = 0; i < threads && i < 16; ++i) pthread_create(&ids[i], NULL, walk_all, NULL);
    for (int i = 0; i < threads && i < 16; ++i) pthread_join(ids[i], NULL);
    return 0;
}
