/* Two threads doing I/O the hooks see differently, for the per-thread kernel
   counts (ThreadKernelIo records):
     thread_stdio DIR N
   the "writer" thread writes N lines to DIR/lines.txt with fprintf + fflush
   (stdio's writes, seen through its stream) and N more with
   syscall(SYS_write) (past every hook: only the kernel counts them); the
   "reader" thread then reads DIR/input.txt (made first by the main thread)
   with read() in 512-byte blocks. Prints the lines and bytes. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char* g_dir;
static long g_lines;

static void* writer(void* arg) {
    (void)arg;
    char path[4096];
    snprintf(path, sizeof path, "%s/lines.txt", g_dir);
    FILE* out = fopen(path, "w");
    if (out == NULL) return (void*)1;
    for (long i = 0; i < g_lines; ++i) {
        fprintf(out, "line %ld\n", i);
        fflush(out);
        syscall(SYS_write, fileno(out), "raw line\n", 9);
    }
    fclose(out);
    return NULL;
}

static void* reader(void* arg) {
    long* total = arg;
    char path[4096];
    snprintf(path, sizeof path, "%s/input.txt", g_dir);
    int in = open(path, O_RDONLY);
    if (in < 0) return (void*)1;
    char block[512];
    ssize_t got;
    while ((got = read(in, block, sizeof block)) > 0) *total += got;
    close(in);
    return NULL;
}

int main(int argc, char** argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: thread_stdio DIR N\n");
        return 2;
    }
    g_dir = argv[1];
    g_lines = atol(argv[2]);
    char path[4096];
    snprintf(path, sizeof path, "%s/input.txt", g_dir);
    int made = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (made < 0) return 1;
    char block[4096];
    memset(block, 'x', sizeof block);
    for (int i = 0; i < 64; ++i)
        if (write(made, block, sizeof block) != (ssize_t)sizeof block) return 1;
    close(made);
    long read_bytes = 0;
    pthread_t w, r;
    void* wrote = NULL;
    void* got = NULL;
    if (pthread_create(&w, NULL, writer, NULL) != 0) return 1;
    if (pthread_join(w, &wrote) != 0 || wrote != NULL) return 1;
    if (pthread_create(&r, NULL, reader, &read_bytes) != 0) return 1;
    if (pthread_join(r, &got) != 0 || got != NULL) return 1;
    printf("%ld lines, %ld bytes read\n", g_lines, read_bytes);
    return 0;
}
