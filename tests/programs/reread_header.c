/* reread_header: sqlite's pattern that was advised a 64 KiB buffer: it
 * preads the same 16-byte header at offset 24 before each record, with the
 * records themselves read in between (4 KiB preads, one after another).
 * With "scattered", each 16-byte read is at a different record instead, from
 * the file's end backwards, and no record is read in between.
 * Usage: reread_header FILE [TIMES [scattered]]   (default 2000; FILE is made, 8 MiB) */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    long times = argc > 2 ? atol(argv[2]) : 2000;
    int scattered = argc > 3 && strcmp(argv[3], "scattered") == 0;
    int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return 1;
    static char block[4096];
    for (int i = 0; i < 2048; ++i)
        if (write(fd, block, sizeof block) != (ssize_t)sizeof block) return 1;
    char header[16];
    long sum = 0;
    for (long i = 0; i < times; ++i) {
        off_t at = scattered ? 24 + (2046 - i % 2047) * 4096 : 24;
        if (pread(fd, header, sizeof header, at) != (ssize_t)sizeof header) return 1;
        off_t record = 4096 + (i % 2047) * 4096;
        if (!scattered && pread(fd, block, sizeof block, record) != (ssize_t)sizeof block) return 1;
        sum += header[0] + block[0];
    }
    close(fd);
    printf("%ld reads of the header\n", times + sum);
    return 0;
}
