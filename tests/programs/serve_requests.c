// A stand-in for a long-running server (recording windows, analyzer ctl):
// serves "requests" until told to stop, in phases that change, and keeps its
// own tallies. Commands on stdin, one a line:
//   run small N   N requests: 4 blocks of 48 bytes, one 512-byte pread, all freed
//   run big N     N requests: one 64 KiB block and one 4 KiB pread; every 10th block kept
//   unshare       unshare(CLONE_VM|CLONE_SIGHAND): "done unshare result=R" (0 for
//                 one thread; the shim's sampler must step aside for it)
//   quit          exit 0
// After each command: "done <phase> requests=N allocs=A bytes=B frees=F
// reads=R read_bytes=RB" for that command alone, then a flush. The first
// line is "pid <pid>". argv[1]: the file to read from (at least 4 KiB).
// With --fork (argv[2]) it is a prefork server's worker: the process forks
// at once, the child serves (its first line "pid <pid> master <parent's pid>")
// and the parent waits for it and exits with its status. stdio's buffers are
// static: the program's only allocations are its requests'.
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct tally {
    long allocs, bytes, frees, reads, read_bytes;
};

// Through volatile pointers: the compiler may not pair and drop a malloc and
// free whose block is never read (GCC does, at -O1).
static void* (*volatile alloc_fn)(size_t) = malloc;
static void (*volatile free_fn)(void*) = free;

static void* kept[100000];
static int kept_count = 0;

static void* counted_alloc(struct tally* t, size_t size) {
    void* p = alloc_fn(size);
    memset(p, 1, size);
    t->allocs++;
    t->bytes += (long)size;
    return p;
}

static void counted_read(struct tally* t, int fd, char* buf, size_t size, off_t offset) {
    ssize_t got = pread(fd, buf, size, offset);
    t->reads++;
    if (got > 0) t->read_bytes += got;
}

static void small_request(struct tally* t, int fd, long i) {
    void* blocks[4];
    char buf[512];
    for (int b = 0; b < 4; ++b) blocks[b] = counted_alloc(t, 48);
    counted_read(t, fd, buf, sizeof buf, (i % 8) * 512);
    for (int b = 0; b < 4; ++b) {
        free_fn(blocks[b]);
        t->frees++;
    }
}

static void big_request(struct tally* t, int fd, long i) {
    char buf[4096];
    void* block = counted_alloc(t, 64 * 1024);
    counted_read(t, fd, buf, sizeof buf, 0);
    if (i % 10 == 9 && kept_count < 100000) {
        kept[kept_count++] = block;
    } else {
        free_fn(block);
        t->frees++;
    }
}

int main(int argc, char** argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: serve_requests FILE [--fork] < commands\n");
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        perror(argv[1]);
        return 2;
    }
    static char in_buffer[4096], out_buffer[4096];
    setvbuf(stdin, in_buffer, _IOFBF, sizeof in_buffer);
    setvbuf(stdout, out_buffer, _IOFBF, sizeof out_buffer);
    if (argc > 2 && strcmp(argv[2], "--fork") == 0) {
        pid_t worker = fork();
        if (worker < 0) {
            perror("fork");
            return 2;
        }
        if (worker > 0) {
            int status = 0;
            if (waitpid(worker, &status, 0) != worker) return 2;
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        printf("pid %d master %d\n", (int)getpid(), (int)getppid());
    } else {
        printf("pid %d\n", (int)getpid());
    }
    fflush(stdout);
    char line[128];
    while (fgets(line, sizeof line, stdin) != NULL) {
        char phase[16];
        long n = 0;
        if (strncmp(line, "quit", 4) == 0) break;
        if (strncmp(line, "unshare", 7) == 0) {
            printf("done unshare result=%d\n", unshare(CLONE_VM | CLONE_SIGHAND));
            fflush(stdout);
            continue;
        }
        if (sscanf(line, "run %15s %ld", phase, &n) != 2) continue;
        struct tally t = {0, 0, 0, 0, 0};
        for (long i = 0; i < n; ++i) {
            if (strcmp(phase, "big") == 0)
                big_request(&t, fd, i);
            else
                small_request(&t, fd, i);
        }
        printf("done %s requests=%ld allocs=%ld bytes=%ld frees=%ld reads=%ld read_bytes=%ld\n", phase, n, t.allocs,
               t.bytes, t.frees, t.reads, t.read_bytes);
        fflush(stdout);
    }
    close(fd);
    return 0;
}
