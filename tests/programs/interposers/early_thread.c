/* libearly_thread.so: preloaded after the shim (LD_PRELOAD="libshim.so
 * libearly_thread.so"), its constructor runs before the shim's and starts a
 * thread that burns ~0.3 s of CPU in early_burn(): a thread the CPU profile
 * must sample although it began before the profile did. The program it is
 * preloaded into waits for the thread at exit (a destructor joins it). */
#include <pthread.h>
#include <time.h>

static pthread_t thread;
static int started;

static double thread_cpu(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

__attribute__((noinline)) void *early_burn(void *arg) {
    volatile unsigned long sink = 0;
    double until = thread_cpu() + 0.3;
    while (thread_cpu() < until)
        for (int i = 0; i < 100000; ++i) sink += i;
    return arg;
}

__attribute__((constructor)) static void start(void) { started = pthread_create(&thread, NULL, early_burn, NULL) == 0; }

__attribute__((destructor)) static void finish(void) {
    if (started) pthread_join(thread, NULL);
}
