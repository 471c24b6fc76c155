#include "kernel_io.h"

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../../format/log_format.h"
#include "../hooks/interpose.h"
#include "../log/record_sink.h"
#include "thread_kernel_io.h"

namespace shim {
namespace {

KernelIoCounts g_baseline;
bool g_available = false;
std::atomic<uint64_t> g_own_read_calls{0}, g_own_write_calls{0}, g_own_read_bytes{0}, g_own_write_bytes{0};

uint64_t field(const char* text, const char* name) {
    const char* at = strstr(text, name);
    return at != nullptr ? strtoull(at + strlen(name), nullptr, 10) : 0;
}

uint64_t since(uint64_t now, uint64_t base) { return now > base ? now - base : 0; }

}  // namespace

bool read_kernel_io(const char* path, KernelIoCounts& out) {
    ErrnoKeeper keep;
    char text[512];
    long fd = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    size_t n = 0;
    while (n < sizeof text - 1) {
        long got = syscall(SYS_read, fd, text + n, sizeof text - 1 - n);
        kernel_io_count_own(false, got);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        n += size_t(got);
        // The kernel hands the whole file to the first read: a read for the
        // end of file would be one more syscall in every reading.
        text[n] = '\0';
        if (text[n - 1] == '\n' && strstr(text, "cancelled_write_bytes:") != nullptr) break;
    }
    syscall(SYS_close, fd);
    if (n == 0) return false;
    text[n] = '\0';
    if (strstr(text, "syscr:") == nullptr) return false;
    out.read_calls = field(text, "syscr:");
    out.write_calls = field(text, "syscw:");
    out.read_bytes = field(text, "rchar:");
    out.write_bytes = field(text, "wchar:");
    return true;
}

KernelIoCounts kernel_io_since(const KernelIoCounts& now, const KernelIoCounts& base) {
    KernelIoCounts d;
    d.read_calls = since(now.read_calls, base.read_calls);
    d.write_calls = since(now.write_calls, base.write_calls);
    d.read_bytes = since(now.read_bytes, base.read_bytes);
    d.write_bytes = since(now.write_bytes, base.write_bytes);
    return d;
}

void kernel_io_start() {
    thread_io_start();  // first: its read of /proc is before the process's baseline
    g_own_read_calls.store(0);
    g_own_write_calls.store(0);
    g_own_read_bytes.store(0);
    g_own_write_bytes.store(0);
    g_available = read_kernel_io("/proc/self/io", g_baseline);
}

void kernel_io_count_own(bool is_write, ssize_t result) {
    thread_io_add(t_thread_io.own, is_write, result);
    (is_write ? g_own_write_calls : g_own_read_calls).fetch_add(1, std::memory_order_relaxed);
    if (result > 0) (is_write ? g_own_write_bytes : g_own_read_bytes).fetch_add(uint64_t(result), std::memory_order_relaxed);
}

void kernel_io_write_record() {
    thread_io_write_alive();  // first: its reads of /proc are then counted as the shim's below
    if (!g_available) return;
    // The shim's own calls first: the reads of /proc/self/io below are not in
    // the counts it shows, and are counted for the next record.
    shimlog::KernelIoRecord rec{};
    rec.own_read_calls = g_own_read_calls.load(std::memory_order_relaxed);
    rec.own_write_calls = g_own_write_calls.load(std::memory_order_relaxed);
    rec.own_read_bytes = g_own_read_bytes.load(std::memory_order_relaxed);
    rec.own_write_bytes = g_own_write_bytes.load(std::memory_order_relaxed);
    KernelIoCounts now;
    if (!read_kernel_io("/proc/self/io", now)) return;
    KernelIoCounts used = kernel_io_since(now, g_baseline);
    rec.read_calls = used.read_calls;
    rec.write_calls = used.write_calls;
    rec.read_bytes = used.read_bytes;
    rec.write_bytes = used.write_bytes;
    sink_record(shimlog::RecordType::KernelIo, {{&rec, sizeof rec}});
}

}  // namespace shim
