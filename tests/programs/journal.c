/* SQLite in autocommit mode, reduced to its I/O: every "statement" creates a
   journal file next to the database, writes four 512-byte pages to it, and
   deletes it again.  usage: journal N */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
    int statements = argc > 1 ? atoi(argv[1]) : 250;
    char page[512];
    memset(page, 'j', sizeof page);
    for (int i = 0; i < statements; ++i) {
        int fd = open("test.db-journal", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) return 1;
        for (int p = 0; p < 4; ++p)
            if (write(fd, page, sizeof page) != (ssize_t)sizeof page) return 1;
        close(fd);
        unlink("test.db-journal");
    }
    printf("%d statements\n", statements);
    return 0;
}
