/* Ends while a timer's handler keeps allocating (every PERIOD microseconds,
   100 by default), with a heap large enough for the shim's exit scan. The
   shim's final flush must hold its own buffer against the handler (which
   wrote past it, or waited 15 s on its own thread), and must not hold
   malloc's locks where the handler can land (mallinfo2, zstd's context).
   The handler allocates only where it did not interrupt libc itself
   (libc_range.h).
   Usage: exit_signal_alloc [PERIOD] */
#include "libc_range.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static volatile sig_atomic_t handled;

static void on_alarm(int sig, siginfo_t* info, void* context) {
    (void)sig;
    (void)info;
    if (interrupted_libc(context)) return;
    void* p = malloc(100000); /* past the thread cache: takes the arena's lock */
    free(p);
    handled++;
}

int main(int argc, char** argv) {
    long period = argc > 1 ? atol(argv[1]) : 100;
    static void* kept[4096];
    for (int i = 0; i < 4096; ++i) kept[i] = malloc(1024); /* 4 MiB held at exit */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    find_libc_code();
    sa.sa_sigaction = on_alarm;
    sa.sa_flags = SA_RESTART | SA_SIGINFO;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval every = {{0, period}, {0, period}};
    setitimer(ITIMER_REAL, &every, NULL);
    while (handled < 5) {
    }
    static const char done[] = "exiting\n"; /* write, not printf: its buffer is malloc'd */
    write(1, done, sizeof done - 1);
    return 0;
}
