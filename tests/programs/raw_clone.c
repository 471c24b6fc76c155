/* Children made with syscall(SYS_clone), syscall(SYS_clone3) and a bare
   clone instruction, not fork(): glibc runs no atfork handler for them, so
   only the shim can notice that each is a new process. Each child makes 5000
   allocations and exits; the parent makes 3000 of its own after all three. */
#define _GNU_SOURCE
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void* volatile sink;

static void churn(int n) {
    for (int i = 0; i < n; ++i) {
        sink = malloc(48);
        free(sink);
    }
}

static void child_work(void) {
    churn(5000);
    exit(0);
}

// The clone syscall issued inline, as a runtime of its own would: no libc
// function sees it (x86-64; elsewhere, syscall()).
static long bare_clone(void) {
#if defined(__x86_64__)
    long result;
    __asm__ volatile("syscall" : "=a"(result) : "0"((long)SYS_clone), "D"((long)SIGCHLD), "S"(0L), "d"(0L)
                     : "rcx", "r11", "memory");
    return result;
#else
    return syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
#endif
}

int main(void) {
    long child = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
    if (child == 0) child_work();
    struct clone_args args;
    memset(&args, 0, sizeof args);
    args.exit_signal = SIGCHLD;
    long child3 = syscall(SYS_clone3, &args, sizeof args);
    if (child3 == 0) child_work();
    if (bare_clone() == 0) child_work();
    int ok = 0;
    for (int i = 0; i < 3; ++i) {
        int status;
        if (wait(&status) > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) ++ok;
    }
    churn(3000);
    printf("%d children\n", ok);
    return 0;
}
