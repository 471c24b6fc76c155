/* Creates and joins N threads one after another (default 100,000): the cost
   of thread creation, for the benchmark of the pthread hooks. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static void* nothing(void* arg) { return arg; }

int main(int argc, char** argv) {
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
    if (n <= 0) {
        fprintf(stderr, "usage: thread_storm [N>0]\n");
        return 2;
    }
    for (long i = 0; i < n; ++i) {
        pthread_t t;
        if (pthread_create(&t, NULL, nothing, NULL) != 0) {
            perror("pthread_create");
            return 1;
        }
        pthread_join(t, NULL);
    }
    printf("%ld threads\n", n);
    return 0;
}
