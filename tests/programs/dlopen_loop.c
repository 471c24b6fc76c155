/* dlopen_loop: COUNT dlopen/dlclose pairs of a library not otherwise loaded
 * (the loader's lock held across each), on two threads, while a profiler's
 * signal may land inside the loader. Prints how many opened.
 * Usage: dlopen_loop [COUNT]   (default 3000) */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static long count = 3000;

static void *open_close(void *arg) {
    long opened = 0;
    for (long i = 0; i < count / 2; ++i) {
        void *lib = dlopen("libz.so.1", RTLD_NOW | RTLD_LOCAL);
        if (lib == NULL) continue;
        if (dlsym(lib, "zlibVersion") != NULL) ++opened;
        dlclose(lib);
    }
    return (void *)opened;
}

int main(int argc, char **argv) {
    if (argc > 1) count = atol(argv[1]);
    pthread_t second;
    pthread_create(&second, NULL, open_close, NULL);
    long opened = (long)open_close(NULL);
    void *other;
    pthread_join(second, &other);
    printf("opened %ld\n", opened + (long)other);
    return 0;
}
