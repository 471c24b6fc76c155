/* Allocates in a signal handler while the main thread allocates too: the
   shim must not deadlock (no lock a handler can wait on). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

static volatile sig_atomic_t handled;

static void on_alarm(int sig) {
    (void)sig;
    void* p = malloc(64); /* not async-signal-safe in general; programs do it */
    free(p);
    handled++;
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval every = {{0, 200}, {0, 200}};
    setitimer(ITIMER_REAL, &every, NULL);
    for (long i = 0; i < 3000000 && handled < 200; ++i) {
        void* p = malloc(16 + (i & 63));
        free(p);
    }
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    printf("handled %s\n", handled > 0 ? "some signals" : "no signal");
    return 0;
}
