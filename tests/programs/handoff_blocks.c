// Blocks handed over from one recording window to the next: allocated and
// kept in one window, freed in a later one, with the program's own tallies
// to check the windows' logs against. Commands on stdin, one a line:
//   keep T N SIZE   allocate N blocks of SIZE bytes at site T (a, b or c) and keep them
//   free T N        free the N oldest blocks kept from site T
//   quit            exit 0 (the blocks still kept are not freed)
// After each command: "done <command> T blocks=N bytes=B kept=K kept_bytes=KB"
// (N, B: that command's; K, KB: every site's blocks kept now), then a
// flush. The first line is "pid <pid>".
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_KEPT 100000

// Through a volatile pointer: the compiler may not drop a malloc whose
// block is never read.
static void* (*volatile alloc_fn)(size_t) = malloc;

struct site {
    void* blocks[MAX_KEPT];
    size_t sizes[MAX_KEPT];
    long first, count;  // the kept blocks are [first, first + count)
};
static struct site sites[3];
static long kept_blocks = 0, kept_bytes = 0;

// One function per site, never inlined: each is an allocation site of its own.
__attribute__((noinline)) static void* alloc_a(size_t size) { return alloc_fn(size); }
__attribute__((noinline)) static void* alloc_b(size_t size) { return alloc_fn(size); }
__attribute__((noinline)) static void* alloc_c(size_t size) { return alloc_fn(size); }

static long keep(int t, long n, size_t size) {
    struct site* s = &sites[t];
    long made = 0;
    for (long i = 0; i < n && s->first + s->count < MAX_KEPT; ++i, ++made) {
        void* p = t == 0 ? alloc_a(size) : t == 1 ? alloc_b(size) : alloc_c(size);
        memset(p, 1, size);
        s->blocks[s->first + s->count] = p;
        s->sizes[s->first + s->count] = size;
        s->count++;
        kept_blocks++;
        kept_bytes += (long)size;
    }
    return made;
}

static long release(int t, long n, long* bytes) {
    struct site* s = &sites[t];
    long freed = 0;
    for (; freed < n && s->count > 0; ++freed) {
        free(s->blocks[s->first]);
        *bytes += (long)s->sizes[s->first];
        kept_blocks--;
        kept_bytes -= (long)s->sizes[s->first];
        s->first++;
        s->count--;
    }
    return freed;
}

int main(void) {
    printf("pid %d\n", (int)getpid());
    fflush(stdout);
    char line[128];
    while (fgets(line, sizeof line, stdin) != NULL) {
        char command[16], tag[4];
        long n = 0, size = 0, blocks = 0, bytes = 0;
        if (strncmp(line, "quit", 4) == 0) break;
        int fields = sscanf(line, "%15s %3s %ld %ld", command, tag, &n, &size);
        if (fields < 3 || tag[0] < 'a' || tag[0] > 'c') continue;
        int t = tag[0] - 'a';
        if (strcmp(command, "keep") == 0 && fields == 4) {
            blocks = keep(t, n, (size_t)size);
            bytes = blocks * size;
        } else if (strcmp(command, "free") == 0) {
            blocks = release(t, n, &bytes);
        } else {
            continue;
        }
        printf("done %s %s blocks=%ld bytes=%ld kept=%ld kept_bytes=%ld\n", command, tag, blocks, bytes, kept_blocks,
               kept_bytes);
        fflush(stdout);
    }
    return 0;
}
