#include "log_bytes.h"

#include <cerrno>
#include <cstdint>
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
    if (mapping_ != nullptr) munmap(mapping_, size_);
}

}  // namespace analyzer
