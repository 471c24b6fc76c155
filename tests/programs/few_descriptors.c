/* Lowers its descriptor limit to 3 once running: the shim's log exists by
   then, but every later write needs a descriptor it cannot have. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

int main(void) {
    struct rlimit three = {3, 3};
    setrlimit(RLIMIT_NOFILE, &three);
    for (int i = 0; i < 1000; ++i) free(malloc(100));
    puts("done");
    return 0;
}
