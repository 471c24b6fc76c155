#include "thread_kernel_io.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

#include "../hooks/interpose.h"
#include "../settings.h"
#include "kernel_io.h"
#include "../log/record_sink.h"
#include "../log/passing_records.h"
#include "threads.h"

namespace shim {

__thread ThreadIoCounts t_thread_io __attribute__((tls_model("initial-exec"))) = {};

namespace {

using shimlog::ThreadKernelIoStatus;

// At most this many live threads are read at one checkpoint (~13 us each in
// this VM; checkpoints come about once a second): the rest keep their last
// reading, or none.
constexpr int kMaxAliveReads = 256;

std::atomic<bool> g_unavailable{false};
std::atomic<bool> g_unavailable_written{false};
bool g_forced_off = false;     // SHIM_TEST_NO_TASK_IO
uint32_t g_main_tid = 0;       // the thread whose counts started before the shim did
KernelIoCounts g_main_base;

// "/proc/self/task/<tid>/io", without snprintf.
void task_path(uint32_t tid, char (&path)[48]) {
    char digits[12];
    int n = 0;
    do digits[n++] = char('0' + tid % 10), tid /= 10;
    while (tid != 0);
    char* out = stpcpy(path, "/proc/self/task/");
    while (n > 0) *out++ = digits[--n];
    strcpy(out, "/io");
}

// False when the kernel keeps no per-task counts (or a test says so).
bool read_task(const char* path, KernelIoCounts& out) { return !g_forced_off && read_kernel_io(path, out); }

uint64_t load(const uint64_t& v) { return __atomic_load_n(&v, __ATOMIC_RELAXED); }

// The program's and the shim's counts are taken before the kernel's: the
// read of the /proc file is then in neither (the kernel counts a read once
// it returns).
shimlog::ThreadKernelIoRecord make_record(uint32_t tid, ThreadKernelIoStatus status, const ThreadIoCounts& mine) {
    shimlog::ThreadKernelIoRecord rec{};
    rec.tid = tid;
    rec.status = static_cast<uint8_t>(status);
    rec.own_read_calls = load(mine.own[0]);
    rec.own_write_calls = load(mine.own[1]);
    rec.own_read_bytes = load(mine.own[2]);
    rec.own_write_bytes = load(mine.own[3]);
    rec.hooked_read_calls = load(mine.hooked[0]);
    rec.hooked_write_calls = load(mine.hooked[1]);
    rec.hooked_read_bytes = load(mine.hooked[2]);
    rec.hooked_write_bytes = load(mine.hooked[3]);
    return rec;
}

void fill_kernel(shimlog::ThreadKernelIoRecord& rec, const KernelIoCounts& now) {
    KernelIoCounts used = kernel_io_since(now, rec.tid == g_main_tid ? g_main_base : KernelIoCounts{});
    rec.read_calls = used.read_calls;
    rec.write_calls = used.write_calls;
    rec.read_bytes = used.read_bytes;
    rec.write_bytes = used.write_bytes;
}

// Once per process: the counts are not there, and why the report has none.
template <typename Write>
void note_unavailable(uint32_t tid, Write write) {
    g_unavailable.store(true, std::memory_order_relaxed);
    if (g_unavailable_written.exchange(true)) return;
    shimlog::ThreadKernelIoRecord rec{};
    rec.tid = tid;
    rec.status = static_cast<uint8_t>(ThreadKernelIoStatus::NotAvailable);
    write(rec);
}

void pass_on(const shimlog::ThreadKernelIoRecord& rec) {
    passing_record(shimlog::RecordType::ThreadKernelIo, {{&rec, sizeof rec}});
}

void sink(const shimlog::ThreadKernelIoRecord& rec) {
    sink_record(shimlog::RecordType::ThreadKernelIo, {{&rec, sizeof rec}});
}

}  // namespace

ThreadIoCounts* thread_io_this() { return &t_thread_io; }

void thread_io_begin() { t_thread_io = {}; }

void thread_io_start() {
    ReentryGuard guard;
    ErrnoKeeper keep;
    g_forced_off = setting_no_task_io();
    g_unavailable.store(false);
    g_unavailable_written.store(false);
    t_thread_io = {};
    g_main_tid = thread_id();
    char path[48];
    task_path(g_main_tid, path);
    if (!read_task(path, g_main_base)) g_unavailable.store(true, std::memory_order_relaxed);
    t_thread_io = {};  // the read above is before the start
}

void thread_io_at_end(uint32_t tid, bool read) {
    if (!read || g_unavailable.load(std::memory_order_relaxed)) return;
    ErrnoKeeper keep;
    shimlog::ThreadKernelIoRecord rec = make_record(tid, ThreadKernelIoStatus::AtEnd, t_thread_io);
    KernelIoCounts now;
    // thread-self: one lookup fewer than the task path; older kernels lack it.
    if (!read_task("/proc/thread-self/io", now)) {
        char path[48];
        task_path(tid, path);
        if (!read_task(path, now)) return note_unavailable(tid, pass_on);
    }
    fill_kernel(rec, now);
    pass_on(rec);
}

void thread_io_write_alive() {
    ErrnoKeeper keep;
    if (g_unavailable.load(std::memory_order_relaxed)) return note_unavailable(thread_id(), sink);
    int reads = 0;
    for (ThreadInfo* t = threads_first(); t != nullptr && reads < kMaxAliveReads; t = t->next) {
        if (!t->in_use.load(std::memory_order_acquire)) continue;
        uint32_t tid = t->tid.load(std::memory_order_acquire);
        ThreadIoCounts* counts = t->io.load(std::memory_order_acquire);
        if (tid == 0 || counts == nullptr) continue;
        shimlog::ThreadKernelIoRecord rec = make_record(tid, ThreadKernelIoStatus::Alive, *counts);
        char path[48];
        task_path(tid, path);
        KernelIoCounts now;
        ++reads;
        bool got = read_task(path, now);
        // Ended while we read (its own record has its counts), its slot
        // perhaps handed to a new thread: not this one's reading.
        if (t->tid.load(std::memory_order_acquire) != tid) continue;
        // Still there (its task outlives its tid's clearing), yet unreadable.
        if (!got) return note_unavailable(tid, sink);
        fill_kernel(rec, now);
        sink(rec);
    }
}

}  // namespace shim
