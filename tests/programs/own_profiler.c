/* own_profiler: the program profiles itself with SIGPROF and ITIMER_PROF, as
 * gperftools does. A profiler preloaded beside it must step aside: this
 * program's handler must get its own ticks only (si_code SI_KERNEL from the
 * itimer, never SI_TIMER from someone's timer_create) and get them at all.
 * Prints "own ticks: yes" and exits 0; a foreign SIGPROF exits 4.
 * Usage: own_profiler [SECONDS]   (default 0.3 of CPU) */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

static volatile sig_atomic_t ticks, foreign;

static void on_prof(int sig, siginfo_t *info, void *context) {
    (void)sig;
    (void)context;
    if (info->si_code == SI_KERNEL)
        ticks++;
    else
        foreign++;
}

static double process_cpu(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    double seconds = argc > 1 ? atof(argv[1]) : 0.3;
    struct sigaction sa = {0};
    sa.sa_sigaction = on_prof;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGPROF, &sa, NULL) != 0) return 1;
    struct itimerval every = {{0, 1000}, {0, 1000}};
    if (setitimer(ITIMER_PROF, &every, NULL) != 0) return 1;
    volatile unsigned long sink = 0;
    double until = process_cpu() + seconds;
    while (process_cpu() < until)
        for (int i = 0; i < 100000; ++i) sink += i;
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_PROF, &off, NULL);
    printf("own ticks: %s\n", ticks > 0 ? "yes" : "no");
    if (foreign) fprintf(stderr, "own_profiler: %d SIGPROF not from its own timer\n", (int)foreign);
    return foreign ? 4 : ticks > 0 ? 0 : 5;
}
