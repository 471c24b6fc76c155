#include "log_bytes.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decode.h"

namespace analyzer {
namespace {

std::string read_all(int fd, const std::string& path) {
    std::string bytes;
    char block[1 << 16];
    for (;;) {
        ssize_t got = read(fd, block, sizeof block);
        if (got == 0) return bytes;
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) throw LogError(path + ": " + strerror(errno));
        bytes.append(block, size_t(got));
    }
}

// A mapped log that another process truncates while we read it turns our next
// read past its new end into SIGBUS (a log being written or rotated is
// ordinary). Each live mapping is registered here; a SIGBUS inside one ends
// the analyzer with a one-line reason and status 2 instead of "Bus error",
// from any thread (the chunk prefetcher reads the mapping too). Nothing was
// printed yet: reports are written once the analysis is done.
struct GuardedMapping {
    std::atomic<uintptr_t> start{0};
    std::atomic<uintptr_t> end{0};
    char name[256];
};
GuardedMapping g_mappings[16];

void say_and_exit(const char* name) {
    const char* parts[] = {"analyzer: ", name,
                           ": the file shrank while it was being read (another process is writing or "
                           "truncating it); analyse it once it is complete\n"};
    for (const char* part : parts) {
        ssize_t ignored = write(STDERR_FILENO, part, strlen(part));
        (void)ignored;
    }
    _exit(2);
}

void on_bus_error(int sig, siginfo_t* info, void*) {
    uintptr_t at = reinterpret_cast<uintptr_t>(info->si_addr);
    for (GuardedMapping& m : g_mappings)
        if (at >= m.start.load() && at < m.end.load()) say_and_exit(m.name);
    signal(sig, SIG_DFL);  // not ours: returning re-runs the access, which now ends as it would have
}

GuardedMapping* guard_mapping(const void* map, size_t size, const std::string& path) {
    static bool installed = [] {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_sigaction = on_bus_error;
        action.sa_flags = SA_SIGINFO;
        sigemptyset(&action.sa_mask);
        return sigaction(SIGBUS, &action, nullptr) == 0;
    }();
    if (!installed) return nullptr;
    for (GuardedMapping& m : g_mappings) {
        uintptr_t free_slot = 0;
        if (m.end.load() != 0 || !m.start.compare_exchange_strong(free_slot, 1)) continue;
        snprintf(m.name, sizeof m.name, "%s", path.c_str());
        m.start.store(reinterpret_cast<uintptr_t>(map));
        m.end.store(reinterpret_cast<uintptr_t>(map) + size);
        return &m;
    }
    return nullptr;  // more logs open at once than slots: that one stays unguarded
}

void unguard_mapping(void* slot) {
    if (slot == nullptr) return;
    auto* m = static_cast<GuardedMapping*>(slot);
    m->end.store(0);
    m->start.store(0);
}

}  // namespace

std::shared_ptr<const LogBytes> LogBytes::open_file(const std::string& path) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw LogError(path + ": " + strerror(errno));
    std::shared_ptr<LogBytes> bytes(new LogBytes);
    struct stat st;
    bool known = fstat(fd, &st) == 0;
    if (known && S_ISDIR(st.st_mode)) {
        close(fd);
        throw LogError(path + ": is a directory, not a log");
    }
    if (known && S_ISREG(st.st_mode) && st.st_size > 0) {
        void* map = mmap(nullptr, size_t(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
        if (map != MAP_FAILED) {
            madvise(map, size_t(st.st_size), MADV_SEQUENTIAL);
            bytes->mapping_ = map;
            bytes->guard_ = guard_mapping(map, size_t(st.st_size), path);
            bytes->data_ = static_cast<const char*>(map);
            bytes->size_ = size_t(st.st_size);
            close(fd);
            return bytes;
        }
    }
    try {
        bytes->owned_ = read_all(fd, path);
    } catch (...) {
        close(fd);
        throw;
    }
    close(fd);
    bytes->data_ = bytes->owned_.data();
    bytes->size_ = bytes->owned_.size();
    return bytes;
}

std::shared_ptr<const LogBytes> LogBytes::copy_of(const std::string& text) {
    std::shared_ptr<LogBytes> bytes(new LogBytes);
    bytes->owned_ = text;
    bytes->data_ = bytes->owned_.data();
    bytes->size_ = bytes->owned_.size();
    return bytes;
}

void LogBytes::release(const char* p, size_t n) const {
    if (mapping_ == nullptr || p < data_ || p + n > data_ + size_) return;
    // Whole pages, rounded outwards: a neighbour still in use faults its
    // shared page back in from the file (the mapping is private and clean).
    uintptr_t page = uintptr_t(sysconf(_SC_PAGESIZE));
    uintptr_t first = uintptr_t(p) & ~(page - 1);
    uintptr_t last = (uintptr_t(p) + n + page - 1) & ~(page - 1);
    if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
}

LogBytes::~LogBytes() {
    if (mapping_ == nullptr) return;
    unguard_mapping(guard_);
    munmap(mapping_, size_);
}

}  // namespace analyzer
