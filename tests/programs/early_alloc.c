/* Linked with early/early_alloc_lib.c, whose constructor allocates before the
   shim's constructor has run: the log must still be written, and named. */
#include <stdio.h>

extern void* early_block;

int main(void) {
    printf("early block %s\n", early_block != NULL ? "allocated" : "missing");
    return 0;
}
