// The log's name: log.bin for the run's first process, log.bin.<pid> for the
// later ones, and the name handed on across exec. See log_file.h and flush.h.
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include "../hooks/interpose.h"
#include "../settings.h"
#include "../shim_messages.h"
#include "file_lock.h"
#include "flush.h"
#include "log_file.h"

namespace shim {

namespace {

// Claims this process's first free name — log.bin.<pid>, then .1, .2, ...:
// an exec'd image keeps its pid, and the image before it may hold the name —
// and leaves it in g_log.path. `claim` takes a name or fails; EEXIST moves on
// to the next. Never replaces a file.
template <typename Claim>
bool under_own_name(Claim claim) {
    set_path_for_process(false);
    char candidate[PATH_MAX + 64];
    snprintf(candidate, sizeof candidate, "%s", g_log.path);
    for (int n = 1; n < 100; ++n) {
        if (claim(candidate)) {
            snprintf(g_log.path, sizeof g_log.path, "%s", candidate);
            return true;
        }
        if (errno != EEXIST) return false;
        snprintf(candidate, sizeof candidate, "%.*s.%d", PATH_MAX, g_log.path, n);
    }
    return false;
}

}  // namespace

bool link_under_own_name(const char* from) {
    return under_own_name([from](const char* name) { return link(from, name) == 0; });
}

int create_under_own_name() {
    int fd = -1;
    under_own_name([&fd](const char* name) {
        fd = ::open(name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        return fd >= 0;
    });
    return fd;
}

void set_path_for_process(bool first_of_run) {
    if (first_of_run)
        snprintf(g_log.path, sizeof g_log.path, "%s", g_log.base);
    else
        snprintf(g_log.path, sizeof g_log.path, "%s.%u", g_log.base, g_log.pid);
}

void choose_path(bool first_of_run) {
    const char* configured = setting_log_name();  // too long: said there, and no log
    if (configured == nullptr) g_log.failed = true;
    char name[PATH_MAX];
    snprintf(name, sizeof name, "%s", configured != nullptr ? configured : "log.bin");
    // Absolute now: the program may chdir before the log is written.
    char cwd[PATH_MAX];
    int len = name[0] != '/' && getcwd(cwd, sizeof cwd) != nullptr
                  ? snprintf(g_log.base, sizeof g_log.base, "%s/%s", cwd, name)
                  : snprintf(g_log.base, sizeof g_log.base, "%s", name);
    if (len < 0 || len >= static_cast<int>(sizeof g_log.base)) {
        char shown[kShownPathBytes];
        say("the log's path for %s is too long: no log (the program runs on, untraced)",
            shown_path(name, shown, sizeof shown));
        g_log.failed = true;
    }
    set_path_for_process(first_of_run);
}

// Handed on only by an image that started no process of its own (env, nice,
// a launcher that execs at once): a shell that ran commands before exec'ing
// its last one keeps the run's name, and the last command is one of its
// children's logs.
bool log_hand_over_name() {
    if (g_log.parent_traced || g_log.children > 0) return false;
    ReentryGuard guard;
    FileLock lock;
    if (!g_log.created) {
        set_path_for_process(false);  // log.bin.<pid>, once it is written
    } else if (link_under_own_name(g_log.base)) {
        unlink(g_log.base);
    } else {
        set_path_for_process(true);  // could not move it: keep the name
        return false;
    }
    g_log.parent_traced = true;
    return true;
}

void log_take_name_back() {
    ReentryGuard guard;
    FileLock lock;
    if (g_log.created && rename(g_log.path, g_log.base) != 0) return;
    set_path_for_process(true);
    g_log.parent_traced = false;
}

}  // namespace shim
