/* Linked with early/early_waits_lib.c, whose constructor waits for a thread
   before the shim's constructor has run: the program must run as bare, and
   the log be written. */
#include <stdio.h>

extern int early_waits_done;
extern void* early_waits_mutex;

int main(void) {
    printf("early waits %d rounds, mutex %p\n", early_waits_done, early_waits_mutex);
    return 0;
}
