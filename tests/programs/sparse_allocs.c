/* A few large blocks, 40 ms apart, all live at once: the heap peaks at the
   last one, about 200 ms into the run. Allocation events this sparse must
   each carry their own time, not the time of the first. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { kBlocks = 6, kBlockBytes = 1 << 20 };

int main(void) {
    void* blocks[kBlocks];
    struct timespec gap = {0, 40 * 1000 * 1000};
    for (int i = 0; i < kBlocks; ++i) {
        if (i > 0) nanosleep(&gap, NULL);
        blocks[i] = malloc(kBlockBytes);
        memset(blocks[i], i, kBlockBytes);
    }
    for (int i = 0; i < kBlocks; ++i) free(blocks[i]);
    return 0;
}
