/* The shim must leave errno exactly as the real calls leave it. */
#include <errno.h>
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
    puts(failures ? "errno changed" : "errno kept");
    return failures != 0;
}
