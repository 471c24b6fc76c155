/* A thread whose first call is pthread_getattr_np, as Rust's runtime makes in
   every thread it starts: glibc allocates inside it while holding the
   thread's own lock, so an allocation hook that asked for the same thread's
   attributes would wait for itself forever. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>

static void* stack_size(void* out) {
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) != 0) return NULL;
    pthread_attr_getstacksize(&attr, (size_t*)out);
    pthread_attr_destroy(&attr);
    return out;
}

int main(void) {
    for (int i = 0; i < 4; ++i) {
        size_t size = 0;
        pthread_t thread;
        if (pthread_create(&thread, NULL, stack_size, &size) != 0) return 1;
        pthread_join(thread, NULL);
        if (size == 0) return 1;
    }
    puts("stack sizes known");
    return 0;
}
