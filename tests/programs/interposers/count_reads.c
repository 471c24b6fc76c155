/* Another library interposing read(), preloaded after the shim: the shim must
 * call it, not issue the syscall past it. Prints its count at exit. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <unistd.h>

static long reads_seen;

ssize_t read(int fd, void* buf, size_t count) {
    static ssize_t (*real)(int, void*, size_t);
    if (real == NULL) real = (ssize_t(*)(int, void*, size_t))dlsym(RTLD_NEXT, "read");
    reads_seen++;
    return real(fd, buf, count);
}

__attribute__((destructor)) static void report(void) {
    fprintf(stderr, "count_reads: %ld reads\n", reads_seen);
}
