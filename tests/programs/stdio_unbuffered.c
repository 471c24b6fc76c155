/* The stdio ways to make a syscall per item, which glibc makes inside libc
   where no hook sees them:
     stdio_unbuffered flush OUT N   printf a line and fflush it, N times
     stdio_unbuffered getc FILE     read FILE with getc from an unbuffered stream
     stdio_unbuffered raw OUT N     write a line N times with syscall(SYS_write), past every hook
   and, for comparison (and the bench's printf row), the buffered way:
     stdio_unbuffered lines OUT N   printf a line N times, flushed only at the end */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <fcntl.h>

int main(int argc, char** argv) {
    if (argc != 4 && argc != 3) return 2;
    int flush = strcmp(argv[1], "flush") == 0;
    if ((flush || strcmp(argv[1], "lines") == 0) && argc == 4) {
        FILE* out = fopen(argv[2], "w");
        if (out == NULL) return 1;
        long lines = atol(argv[3]);
        for (long i = 0; i < lines; ++i) {
            fprintf(out, "line %ld\n", i);
            if (flush) fflush(out);
        }
        fclose(out);
        printf("%ld lines\n", lines);
        return 0;
    }
    if (strcmp(argv[1], "raw") == 0 && argc == 4) {
        int out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (out < 0) return 1;
        long lines = atol(argv[3]);
        for (long i = 0; i < lines; ++i) syscall(SYS_write, out, "a line\n", 7);
        close(out);
        printf("%ld lines\n", lines);
        return 0;
    }
    if (strcmp(argv[1], "getc") == 0) {
        FILE* in = fopen(argv[2], "r");
        if (in == NULL) return 1;
        setvbuf(in, NULL, _IONBF, 0);
        long bytes = 0;
        while (getc(in) != EOF) ++bytes;
        fclose(in);
        printf("%ld bytes\n", bytes);
        return 0;
    }
    return 2;
}
