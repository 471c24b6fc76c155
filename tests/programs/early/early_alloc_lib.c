/* A library whose constructor allocates, as LLVM's static initializers do:
   it runs before the shim's own constructor, so the shim's hooks see a
   malloc before the shim has a log path. */
#include <stdlib.h>

void* early_block;
static void* volatile sink;

__attribute__((constructor)) static void allocate_early(void) {
    for (int i = 0; i < 10000; ++i) {  /* enough to ask for a checkpoint */
        sink = malloc(64);
        free(sink);
    }
    early_block = malloc(100);
}
