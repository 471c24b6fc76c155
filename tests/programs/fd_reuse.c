// A daemon's habit: close every descriptor, then reuse the low numbers. The
// shim must own no descriptor the program can see or collide with: the first
// open gets 3, and the program's own pipe at 3-4 keeps exactly what it put
// there while allocations are unwound through frames without unwind tables.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
void *volatile sink;
__attribute__((noinline)) void deep(int d) {
    volatile char pad[4096];  // a page per frame: each frame a new page to check
    pad[0] = (char)d;
    if (d > 0) deep(d - 1);
    else { sink = malloc(24); free(sink); }
    if (pad[0] != (char)d) abort();
}
int main(void) {
    sink = malloc(10); free(sink);
    int first = open("/dev/null", O_RDONLY);
    syscall(SYS_close_range, 3, ~0U, 0);
    int fds[2];
    if (pipe2(fds, O_NONBLOCK) != 0) return 1;
    const char pattern[] = "0123456789";
    write(fds[1], pattern, 10);
    for (int round = 0; round < 3; ++round)
        for (int d = 0; d < 64; ++d) deep(d);
    char got[64];
    ssize_t n = read(fds[0], got, sizeof got);
    int intact = n == 10 && memcmp(got, pattern, 10) == 0;
    printf("first fd %d, pipe %d %d, %s\n", first, fds[0], fds[1], intact ? "intact" : "tampered");
    return intact ? 0 : 1;
}
