// A program that keeps SIGUSR1 blocked while it allocates from many call
// sites: the shim's unwinds (libunwind masks every signal around its look-ups,
// the shim does it once per unwind: preload/record/unwinder_signals.h) must
// leave its mask exactly as it set it, and the blocked signal pending until
// the program itself unblocks it.
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile sig_atomic_t delivered = 0;
static void on_usr1(int sig) { (void)sig; delivered = 1; }

typedef void* (*Level)(int depth);
static Level levels[8];

// Eight functions calling one another in the order the depth picks: many
// distinct stacks, each new to the unwinder.
#define LEVEL(n)                                                        \
    __attribute__((noinline)) static void* level##n(int depth) {        \
        if (depth == 0) return malloc(16 + n);                          \
        void* p = levels[(depth * 7 + n) % 8](depth - 1);               \
        __asm__ volatile("" ::: "memory");                              \
        return p;                                                       \
    }
LEVEL(0) LEVEL(1) LEVEL(2) LEVEL(3) LEVEL(4) LEVEL(5) LEVEL(6) LEVEL(7)

static int same_mask(const sigset_t* a, const sigset_t* b) {
    for (int s = 1; s < 65; ++s)
        if (sigismember(a, s) != sigismember(b, s)) return 0;
    return 1;
}

int main(void) {
    Level all[8] = {level0, level1, level2, level3, level4, level5, level6, level7};
    memcpy(levels, all, sizeof all);
    signal(SIGUSR1, on_usr1);
    sigset_t block, set, now;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    if (sigprocmask(SIG_BLOCK, &block, NULL) != 0) return 2;
    sigprocmask(SIG_BLOCK, NULL, &set);
    raise(SIGUSR1);  // pending from here on
    int changed = 0;
    for (int round = 0; round < 4000; ++round) {
        free(levels[round % 8](round % 40));
        sigprocmask(SIG_BLOCK, NULL, &now);
        if (!same_mask(&set, &now)) changed++;
        if (delivered) break;
    }
    sigset_t pending;
    sigpending(&pending);
    printf("mask %s, SIGUSR1 %s before unblocking\n", changed ? "changed" : "kept",
           delivered ? "delivered" : sigismember(&pending, SIGUSR1) ? "pending" : "lost");
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    printf("SIGUSR1 %s after\n", delivered ? "delivered" : "not delivered");
    return 0;
}
