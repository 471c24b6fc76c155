// Reading /proc files. See proc_files.h.
#include "proc_files.h"

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace shim {

size_t read_proc_file(const char* path, char* buf, size_t cap) {
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    size_t used = 0;
    while (used < cap) {
        ssize_t n = ::read(fd, buf + used, cap - used);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        used += static_cast<size_t>(n);
    }
    ::close(fd);
    return used;
}

int proc_file_contains(const char* path, const char* needle, size_t needle_len) {
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    static char buf[64 * 1024 + PATH_MAX];
    buf[0] = '\0';
    size_t kept = 1;
    int found = 0;
    for (;;) {
        ssize_t n = ::read(fd, buf + kept, sizeof buf - kept - 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        size_t len = kept + static_cast<size_t>(n);
        if (memmem(buf, len, needle, needle_len) != nullptr) { found = 1; break; }
        kept = needle_len < len ? needle_len : len;
        memmove(buf, buf + len - kept, kept);
    }
    ::close(fd);
    return found;
}

namespace {
char g_exe[PATH_MAX];
std::atomic<bool> g_exe_read{false};
}  // namespace

// Read at the log's start (log_init), on one thread. A later first caller
// (none is expected) reads it itself: callers racing there write the same bytes.
const char* self_exe_path() {
    if (!g_exe_read.load(std::memory_order_acquire)) {
        ssize_t n = readlink("/proc/self/exe", g_exe, sizeof g_exe - 1);
        g_exe[n > 0 ? n : 0] = '\0';
        g_exe_read.store(true, std::memory_order_release);
    }
    return g_exe;
}

}  // namespace shim
