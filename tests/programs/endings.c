/* Ends in the way its argument names, after reading 1000 bytes of stdin one
   at a time and allocating 100 blocks: for the tests of the log's endings.
   Modes: exit, thread-exit, _exit, return-with-threads, abort, segv, kill-self,
   busy (reads a byte a millisecond for 5 s: to be killed from outside). */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void* spin(void* arg) {
    (void)arg;
    for (;;) pause();
    return NULL;
}

static void* exit_from_thread(void* arg) {
    (void)arg;
    exit(5);
}

static void work(void) {
    char byte;
    for (int i = 0; i < 1000; ++i)
        if (read(0, &byte, 1) != 1) break;
    for (int i = 0; i < 100; ++i) free(malloc(24));
}

int main(int argc, char** argv) {
    const char* mode = argc > 1 ? argv[1] : "exit";
    work();
    fputs("worked\n", stdout);
    fflush(stdout);
    pthread_t t;
    if (!strcmp(mode, "exit")) exit(3);
    if (!strcmp(mode, "_exit")) _exit(4);
    if (!strcmp(mode, "thread-exit")) {
        pthread_create(&t, NULL, exit_from_thread, NULL);
        pause();
    }
    if (!strcmp(mode, "return-with-threads")) {
        pthread_create(&t, NULL, spin, NULL);
        return 6;
    }
    if (!strcmp(mode, "abort")) abort();
    if (!strcmp(mode, "segv")) {
        volatile int* nowhere = NULL;
        *nowhere = 1;
    }
    if (!strcmp(mode, "kill-self")) kill(getpid(), SIGTERM);
    if (!strcmp(mode, "busy")) {
        FILE* zero = fopen("/dev/zero", "r");
        int fd = zero ? fileno(zero) : 0;
        for (int i = 0; i < 5000; ++i) {
            if (read(fd, &t, 1) != 1) break;
            usleep(1000);
        }
    }
    return 0;
}
