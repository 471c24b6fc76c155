/* Starts children with posix_spawn and with vfork+exec (which the shim must
   not wrap), each running `cat FILE`, and waits for them. */
#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

int main(int argc, char** argv) {
    if (argc < 2) return 2;
    char* cat_argv[] = {"cat", argv[1], NULL};
    pid_t child;
    if (posix_spawn(&child, "/bin/cat", NULL, NULL, cat_argv, environ) != 0) return 1;
    int status = 0;
    waitpid(child, &status, 0);
    int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    child = vfork();
    if (child == 0) {
        execve("/bin/cat", cat_argv, environ);
        _exit(127);
    }
    waitpid(child, &status, 0);
    ok = ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    return ok ? 0 : 1;
}
