/* A child reads a pipe to its end while this process, after an exec that
   keeps the write end, writes to it and closes it. Under SHIM_START the exec'd
   image's sampler thread starts with a copy of the descriptor table: if that
   copy kept the write end open, the child would never see end-of-file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int writer(int fd) {
    usleep(100000); /* the shim's sampler has started meanwhile */
    if (write(fd, "hello", 5) != 5) return 2;
    close(fd);
    int status;
    if (wait(&status) < 0) return 2;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 3;
}

int main(int argc, char** argv) {
    if (argc == 3 && strcmp(argv[1], "writer") == 0) return writer(atoi(argv[2]));
    int fds[2];
    if (pipe(fds) != 0) return 2;
    pid_t child = fork();
    if (child < 0) return 2;
    if (child == 0) {
        close(fds[1]);
        char buf[64];
        ssize_t n, total = 0;
        while ((n = read(fds[0], buf, sizeof buf)) > 0) total += n;
        printf("read %zd bytes, then end of file\n", total);
        fflush(stdout);
        _exit(total == 5 ? 0 : 1);
    }
    close(fds[0]);
    char fd_text[16];
    snprintf(fd_text, sizeof fd_text, "%d", fds[1]);
    execl("/proc/self/exe", argv[0], "writer", fd_text, (char*)NULL);
    return 2;
}
