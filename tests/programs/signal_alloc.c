/* Allocates in a signal handler while the main thread allocates too: the
   shim must not deadlock (no lock a handler can wait on). The handler
   allocates only where it did not interrupt libc itself (libc_range.h). */
#include "libc_range.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

static volatile sig_atomic_t handled;

static void on_alarm(int sig, siginfo_t* info, void* context) {
    (void)sig;
    (void)info;
    if (interrupted_libc(context)) return;
    void* p = malloc(64); /* not async-signal-safe in general; programs do it */
    free(p);
    handled++;
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    find_libc_code();
    sa.sa_sigaction = on_alarm;
    sa.sa_flags = SA_SIGINFO;
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
