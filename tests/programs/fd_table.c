/* Prints the size of this process's descriptor table (FDSize) after an
   allocation, which under the shim loads the unwinder and its pipe: every
   fork copies that table, so the pipe must not make it grow to the limit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    char* volatile block = malloc(64);
    free(block);
    FILE* status = fopen("/proc/self/status", "r");
    if (status == NULL) return 2;
    char line[256];
    while (fgets(line, sizeof line, status) != NULL)
        if (strncmp(line, "FDSize:", 7) == 0) printf("%ld\n", strtol(line + 7, NULL, 10));
    fclose(status);
    return 0;
}
