/* Reads a file line by line with fgets and copies it with fwrite: stdio I/O,
   which the shim counts at the stdio calls (the syscalls are inside libc). */
#include <stdio.h>
#include <string.h>

int main(int argc, char** argv) {
    if (argc < 3) return 2;
    FILE* in = fopen(argv[1], "r");
    FILE* out = fopen(argv[2], "w");
    if (in == NULL || out == NULL) return 1;
    char line[256];
    int lines = 0;
    while (fgets(line, sizeof line, in) != NULL) {
        fwrite(line, 1, strlen(line), out);
        lines++;
    }
    fclose(in);
    fclose(out);
    printf("%d lines\n", lines);
    return 0;
}
