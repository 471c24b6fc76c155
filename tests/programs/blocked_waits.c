/* blocked_waits: two threads burn CPU while others block in read() on a pipe,
 * poll(), select(), nanosleep(), sem_wait(), pthread_cond_timedwait() and
 * waitpid(), each about SECONDS. A CPU-time profiler must sample the burners
 * only and must not make any blocking call fail with EINTR: each prints what
 * it got, in a fixed order, and an EINTR makes the exit status 3.
 * Usage: blocked_waits [SECONDS]   (default 0.5) */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds = 0.5;
static int pipes[3][2];  /* read, poll, select: the child writes to each after `seconds` */
static sem_t sem;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static const char *result[7];
static int interrupted;

static void note(int slot, int rc, const char *ok) {
    if (rc < 0 && errno == EINTR) interrupted = 1;
    result[slot] = rc < 0 ? (errno == EINTR ? "EINTR" : "error") : ok;
}

static double thread_cpu(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

__attribute__((noinline)) static void *burn(void *arg) {
    volatile unsigned long sink = 0;
    double until = thread_cpu() + seconds;
    while (thread_cpu() < until)
        for (int i = 0; i < 100000; ++i) sink += i;
    return arg;
}

static void *in_read(void *arg) {
    char c;
    note(0, (int)read(pipes[0][0], &c, 1), "read 1 byte");
    return arg;
}

static void *in_poll(void *arg) {
    struct pollfd p = {pipes[1][0], POLLIN, 0};
    note(1, poll(&p, 1, -1), "poll ready");
    return arg;
}

static void *in_select(void *arg) {
    fd_set set;
    FD_ZERO(&set);
    FD_SET(pipes[2][0], &set);
    note(2, select(pipes[2][0] + 1, &set, NULL, NULL, NULL), "select ready");
    return arg;
}

static struct timespec span(void) {
    struct timespec t = {(time_t)seconds, (long)((seconds - (time_t)seconds) * 1e9)};
    return t;
}

static void *in_nanosleep(void *arg) {
    struct timespec t = span();
    note(3, nanosleep(&t, NULL), "slept");
    return arg;
}

static void *in_sem_wait(void *arg) {
    note(4, sem_wait(&sem), "semaphore taken");
    return arg;
}

static void *in_cond_timedwait(void *arg) {
    struct timespec until, t = span();
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += t.tv_sec;
    until.tv_nsec += t.tv_nsec;
    if (until.tv_nsec >= 1000000000) until.tv_sec++, until.tv_nsec -= 1000000000;
    pthread_mutex_lock(&lock);
    int rc = pthread_cond_timedwait(&never, &lock, &until);
    pthread_mutex_unlock(&lock);
    if (rc == EINTR) interrupted = 1;
    result[5] = rc == ETIMEDOUT ? "timed out" : "woken?";
    return arg;
}

int main(int argc, char **argv) {
    if (argc > 1) seconds = atof(argv[1]);
    for (int i = 0; i < 3; ++i)
        if (pipe(pipes[i]) != 0) return 1;
    sem_init(&sem, 0, 0);
    pid_t child = fork();
    if (child == 0) {
        struct timespec t = span();
        while (nanosleep(&t, &t) != 0) {}
        for (int i = 0; i < 3; ++i)
            if (write(pipes[i][1], "x", 1) != 1) _exit(1);
        _exit(7);
    }
    void *(*waiters[])(void *) = {in_read, in_poll, in_select, in_nanosleep, in_sem_wait, in_cond_timedwait};
    pthread_t threads[8];
    int n = 0;
    for (unsigned i = 0; i < sizeof waiters / sizeof *waiters; ++i) pthread_create(&threads[n++], NULL, waiters[i], NULL);
    for (int i = 0; i < 2; ++i) pthread_create(&threads[n++], NULL, burn, NULL);
    int status = 0;
    pid_t got;
    while ((got = waitpid(child, &status, 0)) < 0 && errno == EINTR) interrupted = 1;
    result[6] = got == child && WIFEXITED(status) && WEXITSTATUS(status) == 7 ? "child exited 7" : "waitpid failed";
    sem_post(&sem);
    for (int i = 0; i < n; ++i) pthread_join(threads[i], NULL);
    for (int i = 0; i < 7; ++i) printf("%s\n", result[i]);
    return interrupted ? 3 : 0;
}
