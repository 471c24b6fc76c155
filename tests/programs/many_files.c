/* Reads N small files one byte at a time through one call site (N entries
   in the shim's I/O table: one per file), then FILE a byte at a time. The
   last file must be flagged however many came before it: a fixed table of
   256 once dropped its 1.27 M reads and the report said "none".
   usage: many_files N FILE   (reads small/0.txt .. small/N-1.txt) */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char** argv) {
    if (argc != 3) return 2;
    int files = atoi(argv[1]);
    char name[64], c;
    for (int i = 0; i < files; ++i) {
        snprintf(name, sizeof name, "small/%d.txt", i);
        int fd = open(name, O_RDONLY);
        if (fd < 0) return 1;
        while (read(fd, &c, 1) > 0) {}
        close(fd);
    }
    int fd = open(argv[2], O_RDONLY);
    if (fd < 0) return 1;
    long n = 0;
    while (read(fd, &c, 1) > 0) ++n;
    printf("%ld bytes\n", n);
    return 0;
}
