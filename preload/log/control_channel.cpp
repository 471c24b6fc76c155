// The control channel's files. See control_channel.h.
#include "control_channel.h"

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../format/control_protocol.h"
#include "../shim_messages.h"
#include "proc_files.h"

namespace shim {
namespace {

char g_dir[64];
char g_request[96];
uint32_t g_pid = 0;  // 0: no channel

void name_of(char* out, size_t size, const char* suffix) {
    snprintf(out, size, "%s/%u.%s", g_dir, g_pid, suffix);
}

// Writes `text` to <pid>.<suffix> through a temporary name: a reader sees all of it or nothing.
bool put_file(const char* suffix, const char* text) {
    char tmp[128], final_name[128];
    name_of(tmp, sizeof tmp, "tmp");
    name_of(final_name, sizeof final_name, suffix);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return false;
    size_t len = strlen(text);
    bool ok = write(fd, text, len) == static_cast<ssize_t>(len);
    close(fd);
    if (ok && rename(tmp, final_name) == 0) return true;
    unlink(tmp);
    return false;
}

}  // namespace

bool control_channel_open(uint32_t pid, const char* log_name) {
    snprintf(g_dir, sizeof g_dir, "/tmp/shim-control.%u", static_cast<unsigned>(geteuid()));
    if (mkdir(g_dir, 0700) != 0 && errno != EEXIST) {
        say("cannot make the control directory %s: %s (analyzer ctl cannot reach this process)", g_dir,
            strerror(errno));
        return false;
    }
    struct stat st;
    if (lstat(g_dir, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
        say("%s is not a directory of this user's alone (mode 0700): analyzer ctl cannot reach this process",
            g_dir);
        return false;
    }
    g_pid = pid;
    name_of(g_request, sizeof g_request, "request");
    unlink(g_request);  // a request left for an earlier process of this pid is not ours
    char reply[128];
    name_of(reply, sizeof reply, "reply");
    unlink(reply);
    char stat[1024];
    size_t stat_len = read_proc_file("/proc/self/stat", stat, sizeof stat - 1);
    stat[stat_len] = '\0';
    char ready[PATH_MAX + 64];
    snprintf(ready, sizeof ready, "%s%llu\n%s\n", shimlog::kReadyStartPrefix,
             static_cast<unsigned long long>(shimlog::proc_stat_start_time(stat)), log_name);
    if (!put_file("ready", ready)) {
        say("cannot write to %s: %s (analyzer ctl cannot reach this process)", g_dir, strerror(errno));
        g_pid = 0;
        return false;
    }
    return true;
}

bool control_channel_take(char* request, size_t size) {
    if (g_pid == 0) return false;
    struct stat st;
    if (stat(g_request, &st) != 0) return false;  // the common case: one failed stat
    int fd = open(g_request, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    ssize_t got = fd >= 0 ? read(fd, request, size - 1) : -1;
    if (fd >= 0) close(fd);
    unlink(g_request);
    if (got <= 0) return false;
    request[got] = '\0';
    request[strcspn(request, "\n")] = '\0';
    return true;
}

void control_channel_answer(const char* text) {
    if (g_pid != 0) put_file("reply", text);
}

void control_channel_close() {
    if (g_pid == 0) return;
    char name[128];
    name_of(name, sizeof name, "ready");
    unlink(name);
    unlink(g_request);
    g_pid = 0;
}

void control_channel_forget() { g_pid = 0; }

}  // namespace shim
