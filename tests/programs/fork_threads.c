/* Forks from a thread while other threads allocate: the child must not
   inherit a held lock (it allocates, then exits), and the parent goes on.
   Five threads end before the first fork: their records are the parent's
   alone, not its children's. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int stop;

static void* churn(void* arg) {
    (void)arg;
    while (!stop) {
        void* p = malloc(128);
        free(p);
    }
    return NULL;
}

static void* nothing(void* arg) { return arg; }

int main(void) {
    for (int i = 0; i < 5; ++i) {
        pthread_t done;
        pthread_create(&done, NULL, nothing, NULL);
        pthread_join(done, NULL);
    }
    pthread_t threads[3];
    for (int i = 0; i < 3; ++i) pthread_create(&threads[i], NULL, churn, NULL);
    int ok = 0;
    for (int round = 0; round < 20; ++round) {
        pid_t child = fork();
        if (child == 0) {
            for (int i = 0; i < 1000; ++i) free(malloc(64));
            _exit(7);
        }
        int status = 0;
        waitpid(child, &status, 0);
        ok += WIFEXITED(status) && WEXITSTATUS(status) == 7;
    }
    stop = 1;
    for (int i = 0; i < 3; ++i) pthread_join(threads[i], NULL);
    printf("children ok: %d of 20\n", ok);
    return ok == 20 ? 0 : 1;
}
