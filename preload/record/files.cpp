#include "files.h"

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

#include "../../format/log_format.h"
#include "../hooks/interpose.h"
#include "../log/record_sink.h"

namespace shim {

FdState g_fds[kTrackedFds];

namespace {

using shimlog::FileKind;

std::atomic<uint32_t> g_next_file_id{1};

FileKind kind_of(mode_t mode) {
    if (S_ISREG(mode)) return FileKind::Regular;
    if (S_ISFIFO(mode)) return FileKind::Pipe;
    if (S_ISSOCK(mode)) return FileKind::Socket;
    if (S_ISDIR(mode)) return FileKind::Directory;
    if (S_ISCHR(mode)) return FileKind::CharDevice;
    return FileKind::Other;
}

// First I/O on fd since it was opened: learn what it is, once.
uint32_t register_fd(int fd, FdState& state) {
    ErrnoKeeper keep;  // fstat, readlink, lseek and the arena's first mmap are ours
    struct stat st;
    FileKind kind = FileKind::Unknown;
    if (fstat(fd, &st) == 0) {
        kind = kind_of(st.st_mode);
        if (kind == FileKind::CharDevice && isatty(fd)) kind = FileKind::Tty;
    }
    char link[32];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    char path[PATH_MAX];
    ssize_t len = readlink(link, path, sizeof path);
    if (len < 0) len = 0;

    bool stream = kind == FileKind::Pipe || kind == FileKind::Socket || kind == FileKind::Tty;
    int64_t position = stream ? kUnknownPosition : lseek(fd, 0, SEEK_CUR);

    uint32_t id = g_next_file_id.fetch_add(1, std::memory_order_relaxed);
    uint32_t expected = 0;
    if (!state.file_id.compare_exchange_strong(expected, id, std::memory_order_relaxed))
        return expected;  // another thread registered it first
    state.stream.store(stream, std::memory_order_relaxed);
    state.position.store(position, std::memory_order_relaxed);
    state.last_end.store(kUnknownPosition, std::memory_order_relaxed);
    shimlog::FileRecord rec{};
    rec.file_id = id;
    rec.fd = fd;
    rec.kind = static_cast<uint8_t>(kind);
    rec.path_len = static_cast<uint16_t>(len);
    arena_record(shimlog::RecordType::File, {{&rec, sizeof rec}, {path, static_cast<size_t>(len)}});
    return id;
}

}  // namespace

FileAccess file_access(int fd, int64_t offset, int64_t bytes) {
    if (fd < 0 || fd >= kTrackedFds) return {kUntrackedFile, false, false};
    FdState& state = g_fds[fd];
    uint32_t id = state.file_id.load(std::memory_order_relaxed);
    bool first = id == 0;
    if (first) id = register_fd(fd, state);
    if (bytes < 0) return {id, false, false};  // failed call: no data moved
    return account(state, id, first, offset, bytes);
}

void forget_fd(int fd) {
    if (fd >= 0 && fd < kTrackedFds) g_fds[fd].file_id.store(0, std::memory_order_relaxed);
}

void set_fd_position(int fd, int64_t position) {
    if (fd >= 0 && fd < kTrackedFds) g_fds[fd].position.store(position, std::memory_order_relaxed);
}

}  // namespace shim
