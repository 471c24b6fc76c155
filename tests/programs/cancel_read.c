/* read() must stay a cancellation point under the shim, which issues the
 * syscall itself only while that is all glibc's read would do.
 *   cancel_read         a thread blocked in read() on an empty pipe is cancelled
 *   cancel_read self    a single-threaded program that cancels itself ends at
 *                       its next read(), before the "not cancelled" line */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int fds[2];

static void* reader(void* unused) {
    (void)unused;
    char byte;
    read(fds[0], &byte, 1);  /* nobody writes: only cancellation ends this */
    return NULL;
}

int main(int argc, char** argv) {
    if (pipe(fds) != 0) return 2;
    if (argc > 1 && strcmp(argv[1], "self") == 0) {
        char byte;
        if (write(fds[1], "x", 1) != 1) return 2;
        printf("cancelling myself\n");
        fflush(stdout);
        pthread_cancel(pthread_self());
        read(fds[0], &byte, 1);
        printf("read returned: not cancelled\n");
        return 3;
    }
    pthread_t thread;
    if (pthread_create(&thread, NULL, reader, NULL) != 0) return 2;
    usleep(100 * 1000);
    pthread_cancel(thread);
    void* result;
    pthread_join(thread, &result);
    puts(result == PTHREAD_CANCELED ? "cancelled in read" : "read returned");
    return result == PTHREAD_CANCELED ? 0 : 1;
}
