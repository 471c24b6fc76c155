/* The process's first allocations are a signal handler's: the shim must not
   load its unwinder from there (the handler may have interrupted the dynamic
   loader); main allocates afterwards. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

static void* volatile sink;

static void on_signal(int sig) {
    (void)sig;
    for (int i = 0; i < 100; ++i) {
        sink = malloc(32);
        free(sink);
    }
}

int main(void) {
    struct sigaction action = {0};
    action.sa_handler = on_signal;
    sigaction(SIGUSR1, &action, NULL);
    raise(SIGUSR1);
    for (int i = 0; i < 100; ++i) {
        sink = malloc(64);
        free(sink);
    }
    puts("done");
    return 0;
}
