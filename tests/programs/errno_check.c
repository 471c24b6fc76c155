/* The shim must leave errno exactly as the real calls leave it. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int failures;

static void expect(int got, int want, const char* what) {
    if (got != want) {
        printf("errno after %s: %d, expected %d\n", what, got, want);
        failures++;
    }
}

/* The shim's rare paths make calls of their own (a new stack unwound, a full
   event buffer compressed and written, a thread's first event): errno must
   come through those too. Each depth is a distinct stack. */
static void* alloc_at_depth(int depth, size_t size) {
    if (depth == 0) return malloc(size);
    void* p = alloc_at_depth(depth - 1, size);
    if (p == NULL) abort();  /* not a tail call: the frame stays */
    return p;
}

static void churn(const char* what) {
    for (int i = 0; i < 400000; ++i) {
        errno = 1000 + i % 7;
        void* p = alloc_at_depth(i % 16, 16 + i % 64);
        expect(errno, 1000 + i % 7, what);
        errno = 2000 + i % 5;
        free(p);
        expect(errno, 2000 + i % 5, what);
        if (failures > 0) return;
    }
}

static void* thread_churn(void* unused) {
    (void)unused;
    churn("a thread's allocations");
    return NULL;
}

int main(void) {
    void* p = malloc(100);
    errno = 1234;
    free(p);
    expect(errno, 1234, "free");
    errno = 77;
    p = malloc(10);
    expect(errno, 77, "malloc");
    free(p);
    char byte;
    errno = 0;
    expect((int)read(-1, &byte, 1), -1, "read(-1) result");
    expect(errno, EBADF, "read(-1)");
    errno = 0;
    expect((int)write(12345, &byte, 1), -1, "write(12345) result");
    expect(errno, EBADF, "write(12345)");
    errno = 55;
    expect((int)write(1, "", 0), 0, "empty write result");
    expect(errno, 55, "empty write");
    errno = 0;
    void* huge = malloc((size_t)-1 / 2);
    expect(huge == NULL, 1, "huge malloc result");
    expect(errno, ENOMEM, "huge malloc");
    churn("800,000 allocation events");
    pthread_t thread;
    if (pthread_create(&thread, NULL, thread_churn, NULL) != 0 || pthread_join(thread, NULL) != 0) return 2;
    puts(failures ? "errno changed" : "errno kept");
    return failures != 0;
}
