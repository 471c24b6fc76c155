// Holds COUNT blocks of SIZE bytes (arguments; default 1,000,000 x 100 B,
// about 100 MB) in a global array until exit, each block pointing at the
// next: what the shim's exit scan costs on a big live heap (BENCHMARKS.md).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void** g_blocks;  // not static: kept in memory, a root the scan must find

int main(int argc, char** argv) {
    long count = argc > 1 ? atol(argv[1]) : 1000000;
    long size = argc > 2 ? atol(argv[2]) : 100;
    if (count < 1 || size < (long)sizeof(void*)) return 2;
    g_blocks = malloc(sizeof(void*) * (size_t)count);
    for (long i = 0; i < count; ++i) {
        g_blocks[i] = malloc((size_t)size);
        memset(g_blocks[i], 0, (size_t)size);
        if (i > 0) *(void**)g_blocks[i - 1] = g_blocks[i];
    }
    printf("holding %ld blocks of %ld B\n", count, size);
    return 0;
}
