/* A SIGALRM handler allocates every 100 us while the main thread allocates
   and frees in a loop, so most signals land inside the shim's own malloc
   hook. Every handler allocation must be in the log. Sizes keep the two
   apart in glibc (24 and 200 bytes: separate tcache bins, so the handler
   never re-enters the same allocator state the main thread is in). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

static volatile sig_atomic_t handled;
static void* volatile sink;

static void on_alarm(int sig) {
    (void)sig;
    void* p = malloc(200);
    free(p);
    handled++;
}

int main(void) {
    free(malloc(200));  /* the handler's bin is set up before signals start */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval every = {{0, 100}, {0, 100}};
    setitimer(ITIMER_REAL, &every, NULL);
    long loops = 0;
    while (handled < 3000) {
        sink = malloc(24);
        free(sink);
        ++loops;
    }
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    printf("%d handler allocations, %ld loop allocations\n", (int)handled, loops);
    return 0;
}
