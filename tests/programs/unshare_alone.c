// A one-thread program making the calls the kernel refuses (EINVAL) to a
// process of more than one thread: unshare of CLONE_VM or CLONE_SIGHAND (for
// one thread, nothing to do: 0) and of CLONE_NEWUSER (0 where user namespaces
// are allowed). One line per call, "<flag> <result> <errno name or ok>".
// The shim, whose sampler thread runs in a controlled process, must not
// change a line of it.
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

static void try_unshare(const char* name, int flag) {
    int result = unshare(flag);
    printf("%s %d %s\n", name, result, result == 0 ? "ok" : strerrorname_np(errno));
}

int main(void) {
    try_unshare("CLONE_VM", CLONE_VM);
    try_unshare("CLONE_SIGHAND", CLONE_SIGHAND);
    try_unshare("CLONE_NEWUSER", CLONE_NEWUSER);
    return 0;
}
