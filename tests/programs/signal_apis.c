// Every way a program can change a signal's disposition, each followed by a
// return to SIG_DFL and the signal: the program must die of it exactly as
// without the shim, and the shim must still write its log first.
//   signal_apis sigset|sysv|bsd|raw   handler set one way, SIG_DFL by signal(), then SIGTERM
//   signal_apis segv                  own SIGSEGV handler, SIG_DFL by sigaction, then a fault
//   signal_apis query                 what sigaction reports for an untouched SIGTERM
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

extern __sighandler_t bsd_signal(int, __sighandler_t);  // declared only for old X/Open

static void handler(int sig) { (void)sig; puts("handler ran"); }

// As a program that bypasses libc would: the kernel's own struct.
static int raw_sigaction(int sig, void (*fn)(int)) {
    struct { void (*handler)(int); unsigned long flags; void (*restorer)(void); unsigned long mask; } act;
    memset(&act, 0, sizeof act);
    act.handler = fn;
    return (int)syscall(SYS_rt_sigaction, sig, &act, NULL, sizeof act.mask);
}

int main(int argc, char** argv) {
    const char* how = argc > 1 ? argv[1] : "";
    volatile int* volatile nowhere = NULL;
    if (strcmp(how, "query") == 0) {
        struct sigaction old;
        sigaction(SIGTERM, NULL, &old);
        printf("SIGTERM %s, flags %#x\n", old.sa_handler == SIG_DFL ? "default" : "handled", old.sa_flags);
        return 0;
    }
    if (strcmp(how, "segv") == 0) {
        struct sigaction act, dfl;
        memset(&act, 0, sizeof act);
        act.sa_handler = handler;
        sigaction(SIGSEGV, &act, NULL);
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        sigaction(SIGSEGV, &dfl, NULL);
        fflush(stdout);
        return *nowhere;
    }
    if (strcmp(how, "sigset") == 0) sigset(SIGTERM, handler);
    else if (strcmp(how, "sysv") == 0) sysv_signal(SIGTERM, handler);
    else if (strcmp(how, "bsd") == 0) bsd_signal(SIGTERM, handler);
    else if (strcmp(how, "raw") == 0) raw_sigaction(SIGTERM, handler);
    else return 2;
    if (signal(SIGTERM, SIG_DFL) != handler) puts("previous handler not reported");
    fflush(stdout);
    raise(SIGTERM);
    puts("survived SIGTERM");
    return 0;
}
