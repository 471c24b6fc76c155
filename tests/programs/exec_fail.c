/* Reads 100 bytes of stdin one at a time, tries to exec a program that does
   not exist, then reads 100 more: recording must go on after the failed exec. */
#include <stdio.h>
#include <unistd.h>

static void read_bytes(int n) {
    char byte;
    for (int i = 0; i < n; ++i)
        if (read(0, &byte, 1) != 1) break;
}

int main(void) {
    read_bytes(100);
    char* argv[] = {"nothing", NULL};
    execv("/nonexistent/program", argv);
    read_bytes(100);
    puts("still here");
    return 0;
}
