/* blocked_elsewhere: the main thread computes alone for ~0.6 s while one
 * thread sleeps (nanosleep, 1.2 s) and another waits to read from a pipe nobody
 * writes until the end: time no wait hook sees, which the sampler's readings
 * of /proc/.../syscall place in "sleeping" and "I/O". Prints the checksum. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static int pipe_fds[2];

static void *sleeper(void *arg) {
    (void)arg;
    struct timespec t = {1, 200 * 1000 * 1000};  /* past the work: the main thread joins it while it sleeps */
    nanosleep(&t, NULL);
    return NULL;
}

static void *reader(void *arg) {
    (void)arg;
    char byte;
    return read(pipe_fds[0], &byte, 1) == 1 ? NULL : (void *)1;
}

static double cpu_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(void) {
    if (pipe(pipe_fds) != 0) return 1;
    pthread_t threads[2];
    if (pthread_create(&threads[0], NULL, sleeper, NULL) != 0) return 1;
    if (pthread_create(&threads[1], NULL, reader, NULL) != 0) return 1;
    unsigned long seed = 1;
    for (double start = cpu_seconds(); cpu_seconds() - start < 0.6;)
        for (int i = 0; i < 100000; ++i) seed = seed * 6364136223846793005ul + 1442695040888963407ul;
    if (write(pipe_fds[1], "x", 1) != 1) return 1;
    void *result;
    pthread_join(threads[0], &result);
    pthread_join(threads[1], &result);
    printf("%lu\n", seed & 0xff);
    return result == NULL ? 0 : 1;
}
