// The output buffer. See output_buffer.h.
#include "output_buffer.h"

#include <cerrno>
#include <cstring>
#include <unistd.h>

#include "../shim_messages.h"
#include "log_file.h"
#include "record_sink.h"

namespace shim {
namespace {

// Buffered writes during a flush (single flusher at a time).
char g_out[64 * 1024];
size_t g_out_used = 0;
int g_out_fd = -1;
uint64_t g_out_taken = 0;

bool write_all(int fd, const char* data, size_t size) {
    while (size > 0) {
        ssize_t n = ::write(fd, data, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data += n;
        size -= static_cast<size_t>(n);
    }
    return true;
}

}  // namespace

void out_set_fd(int fd) { g_out_fd = fd; }
int out_fd() { return g_out_fd; }
uint64_t out_taken() { return g_out_taken; }

void out_drain() {
    if (g_out_fd >= 0 && g_out_used > 0 && !write_all(g_out_fd, g_out, g_out_used)) {
        char shown[kShownPathBytes];
        say("cannot write log %s: %s (the log ends here)", shown_path(g_log.path, shown, sizeof shown),
            strerror(errno));
        g_log.failed = true;
        g_out_fd = -1;
    }
    g_out_used = 0;
}

void out_write(const void* data, size_t size) {
    const char* bytes = static_cast<const char*>(data);
    while (size > 0 && g_out_fd >= 0) {
        if (g_out_used == sizeof g_out) out_drain();
        size_t n = sizeof g_out - g_out_used;
        if (n > size) n = size;
        memcpy(g_out + g_out_used, bytes, n);
        g_out_used += n;
        g_out_taken += n;
        bytes += n;
        size -= n;
    }
}

void out_after_fork_child() {
    g_out_used = 0;
    g_out_fd = -1;
}

void sink_record(shimlog::RecordType type, std::initializer_list<Bytes> parts) {
    shimlog::RecordHeader header{static_cast<uint16_t>(type), 0, static_cast<uint32_t>(record_payload_size(parts))};
    out_write(&header, sizeof header);
    for (const Bytes& part : parts) out_write(part.data, part.size);
}

}  // namespace shim
