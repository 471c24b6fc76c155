/* Minimal read() hooks, one per build (-DHOOK=n), to see what each part of a
 * hook costs on this kernel:
 *   1 tail-calls the next read (dlsym RTLD_NEXT)
 *   2 calls it, then adds the result to a counter
 *   3 issues the syscall itself, then adds
 *   4 as 3, timed with two rdtsc */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <unistd.h>
#include <x86intrin.h>

static long total, ticks;

#if HOOK <= 2
ssize_t read(int fd, void* buf, size_t count) {
    static ssize_t (*next)(int, void*, size_t);
    if (next == NULL) next = (ssize_t(*)(int, void*, size_t))dlsym(RTLD_NEXT, "read");
#if HOOK == 1
    return next(fd, buf, count);
#else
    ssize_t got = next(fd, buf, count);
    total += got;
    return got;
#endif
}
#else
ssize_t read(int fd, void* buf, size_t count) {
#if HOOK == 4
    unsigned long long start = __rdtsc();
#endif
    long got;
    __asm__ volatile("syscall" : "=a"(got) : "0"(0L), "D"((long)fd), "S"(buf), "d"(count) : "rcx", "r11", "memory");
    if (got < 0) {
        errno = (int)-got;
        got = -1;
    }
    total += got;
#if HOOK == 4
    ticks += __rdtsc() - start;
#endif
    return got;
}
#endif
