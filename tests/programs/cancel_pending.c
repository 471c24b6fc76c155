/* A thread that asks for its own cancellation and returns before any
   cancellation point: it returned, and pthread_join must say so. The shim
   reads /proc/thread-self/io as the thread ends; through libc's open and
   read (cancellation points) that read acted on the pending cancel. */
#include <pthread.h>
#include <stdio.h>

static void* body(void* arg) {
    (void)arg;
    pthread_cancel(pthread_self());
    return (void*)42;
}

int main(void) {
    pthread_t t;
    void* result = NULL;
    if (pthread_create(&t, NULL, body, NULL) != 0 || pthread_join(t, &result) != 0) return 1;
    puts(result == PTHREAD_CANCELED ? "cancelled" : result == (void*)42 ? "returned" : "other");
    return 0;
}
