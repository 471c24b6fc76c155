#include "threads.h"
#include "cpu_profile.h"

#include <ctime>
#include <unistd.h>

#include "block_pool.h"
#include "../clock.h"
#include "../hooks/interpose.h"
#include "../log/record_sink.h"
#include "../log/passing_records.h"
#include "stacks.h"
#include "thread_kernel_io.h"

namespace shim {
namespace {

std::atomic<ThreadInfo*> g_threads{nullptr};
std::atomic<uint64_t> g_ended_cpu_ns{0};  // CPU of the threads that have ended
ThreadInfo* g_main = nullptr;
pthread_key_t g_end_key;
std::atomic<bool> g_key_ready{false};
thread_local ThreadInfo* t_info __attribute__((tls_model("initial-exec"))) = nullptr;

// Reading a thread's CPU clock at its end is a syscall (~0.6 us here): 1.5%
// of a thread that is created, does nothing and is joined. So the clocks of
// short-lived threads are read in a sample, the first kShortAlwaysRead of
// them and then a random one in 2^kShortReadBits; the analyzer estimates the
// others from it (ThreadCpu::NotRead), and so does the sampler's running total.
constexpr uint64_t kShortLifeTicks = uint64_t(1) << 18;  // ~0.1 ms at 2-3 GHz
constexpr uint64_t kShortAlwaysRead = 64;
constexpr uint64_t kShortReadBits = 4;  // one in 16
std::atomic<uint64_t> g_short_ended{0};
std::atomic<uint64_t> g_short_read{0};
std::atomic<uint64_t> g_short_read_ns{0};

// Random, not every 16th: threads started one after another often alternate
// between cores, and a fixed stride would read only one kind. The low bits of
// the end time are random enough; mixed, their top bits decide.
shimlog::ThreadCpu cpu_source_for(uint64_t start_ticks, uint64_t end_ticks) {
    if (end_ticks - start_ticks >= kShortLifeTicks) return shimlog::ThreadCpu::Read;
    if (g_short_ended.load(std::memory_order_relaxed) < kShortAlwaysRead &&
        g_short_ended.fetch_add(1, std::memory_order_relaxed) < kShortAlwaysRead)
        return shimlog::ThreadCpu::ReadSample;
    uint64_t mix = (end_ticks ^ (end_ticks >> 17)) * 0x9e3779b97f4a7c15ull;
    return mix >> (64 - kShortReadBits) == 0 ? shimlog::ThreadCpu::ReadSample : shimlog::ThreadCpu::NotRead;
}

// Reading a thread's kernel I/O counts (/proc/thread-self/io: open, read,
// close) costs ~13 us in this VM, 20 times its CPU clock: read at the end of
// threads that lived ~1.5 ms or more (under 1% of their life), and of the
// others the first kIoAlwaysRead and then a random one in 2^kIoReadBits.
constexpr uint64_t kIoLifeTicks = uint64_t(1) << 22;
constexpr uint64_t kIoAlwaysRead = 64;
constexpr uint64_t kIoReadBits = 6;  // one in 64
std::atomic<uint64_t> g_io_short_ended{0};

bool io_read_wanted(uint64_t start_ticks, uint64_t end_ticks) {
    if (end_ticks - start_ticks >= kIoLifeTicks) return true;
    if (g_io_short_ended.load(std::memory_order_relaxed) < kIoAlwaysRead &&
        g_io_short_ended.fetch_add(1, std::memory_order_relaxed) < kIoAlwaysRead)
        return true;
    uint64_t mix = (end_ticks ^ (end_ticks >> 23)) * 0xbf58476d1ce4e5b9ull;
    return mix >> (64 - kIoReadBits) == 0;
}

// The mean CPU of the short-lived threads read so far.
uint64_t short_thread_estimate_ns() {
    uint64_t read = g_short_read.load(std::memory_order_relaxed);
    return read == 0 ? 0 : g_short_read_ns.load(std::memory_order_relaxed) / read;
}

// direct: straight to the file being written (a snapshot, inside its flush),
// not through the passing records that the window's log takes next.
void write_record(const ThreadInfo& info, shimlog::ThreadEnd end, uint64_t end_ticks, uint64_t cpu_ns,
                  shimlog::ThreadCpu cpu_source, bool direct = false) {
    shimlog::ThreadRecord rec{};
    rec.tid = info.tid.load(std::memory_order_relaxed);
    rec.parent_tid = info.parent_tid;
    rec.create_stack = info.create_stack;
    rec.end = static_cast<uint8_t>(end);
    rec.is_main = info.is_main ? 1 : 0;
    rec.cpu_source = static_cast<uint8_t>(cpu_source);
    rec.start_routine = reinterpret_cast<uint64_t>(info.routine);
    rec.create_ticks = info.create_ticks;
    rec.start_ticks = info.start_ticks;
    rec.end_ticks = end_ticks;
    rec.cpu_ns = cpu_ns;
    rec.join_wait_ticks = info.join_wait_ticks;
    rec.joins = info.joins;
    if (direct)
        sink_record(shimlog::RecordType::Thread, {{&rec, sizeof rec}});
    else
        passing_record(shimlog::RecordType::Thread, {{&rec, sizeof rec}});
}

uint64_t own_cpu_ns() { return clock_ns(CLOCK_THREAD_CPUTIME_ID); }

// An exec keeps the main thread, and its CPU clock goes on counting: what the
// images before this one used is taken off, or a shell loop that execs a
// threaded program is credited to it ("153 threads on CPU at once").
std::atomic<uint32_t> g_main_tid{0};
std::atomic<uint64_t> g_main_cpu_at_start{0};

uint64_t since_image_start(uint32_t tid, uint64_t cpu_ns) {
    if (tid != g_main_tid.load(std::memory_order_relaxed)) return cpu_ns;
    uint64_t start = g_main_cpu_at_start.load(std::memory_order_relaxed);
    return cpu_ns > start ? cpu_ns - start : 0;
}

// The key's destructor runs however the thread ends: return, pthread_exit or
// cancellation. `end` still says Cancelled unless the other two set it.
void thread_finished(void* raw) {
    auto* info = static_cast<ThreadInfo*>(raw);
    ReentryGuard guard;
    cpu_profile_thread_end(reinterpret_cast<uint64_t>(info->routine));
    uint64_t end = now_ticks();
    shimlog::ThreadCpu source = cpu_source_for(info->start_ticks, end);
    uint64_t cpu = source == shimlog::ThreadCpu::NotRead
                       ? 0
                       : since_image_start(info->tid.load(std::memory_order_relaxed), own_cpu_ns());
    if (source == shimlog::ThreadCpu::ReadSample) {
        g_short_read_ns.fetch_add(cpu, std::memory_order_relaxed);
        g_short_read.fetch_add(1, std::memory_order_relaxed);
    }
    thread_io_at_end(info->tid.load(std::memory_order_relaxed), io_read_wanted(info->start_ticks, end));
    write_record(*info, info->end, end, cpu, source);
    info->io.store(nullptr, std::memory_order_relaxed);
    t_info = nullptr;
    info->tid.store(0, std::memory_order_release);
    // After: counted live or ended, not both.
    uint64_t counted = source == shimlog::ThreadCpu::NotRead ? short_thread_estimate_ns() : cpu;
    g_ended_cpu_ns.fetch_add(counted, std::memory_order_release);
    pool_release(info);
}

uint32_t current_tid() { return thread_id(); }

}  // namespace

ThreadInfo* threads_first() { return g_threads.load(std::memory_order_acquire); }

uint64_t threads_ended_cpu_ns() { return g_ended_cpu_ns.load(std::memory_order_acquire); }

ThreadInfo* thread_prepare(void* (*routine)(void*), void* arg, uint64_t create_site) {
    ThreadInfo* info = pool_acquire(g_threads);
    if (info == nullptr) return nullptr;
    info->tid.store(0, std::memory_order_relaxed);
    info->parent_tid = t_info ? t_info->tid.load(std::memory_order_relaxed) : current_tid();
    info->create_stack = site_stack_id(create_site);
    info->is_main = false;
    info->end = shimlog::ThreadEnd::Cancelled;
    info->routine = routine;
    info->arg = arg;
    info->c11 = false;
    info->join_wait_ticks = 0;
    info->joins = 0;
    info->start_ticks = 0;
    info->io.store(nullptr, std::memory_order_relaxed);
    info->create_ticks = now_ticks();
    return info;
}

ThreadInfo* thread_prepare_c11(int (*routine)(void*), void* arg, uint64_t create_site) {
    ThreadInfo* info = thread_prepare(reinterpret_cast<void* (*)(void*)>(reinterpret_cast<void (*)()>(routine)), arg, create_site);
    if (info != nullptr) info->c11 = true;
    return info;
}

void thread_abandon(ThreadInfo* info) { pool_release(info); }

void* thread_trampoline(void* raw) {
    auto* info = static_cast<ThreadInfo*>(raw);
    info->start_ticks = now_ticks();
    thread_io_begin();
    info->io.store(thread_io_this(), std::memory_order_relaxed);
    info->tid.store(current_tid(), std::memory_order_release);
    t_info = info;
    if (g_key_ready.load(std::memory_order_acquire)) pthread_setspecific(g_end_key, info);
    cpu_profile_thread_start();
    // C11's int is widened as glibc's own start_thread widens it (thrd_join narrows it back).
    void* result = info->c11 ? reinterpret_cast<void*>(static_cast<uintptr_t>(
                                   reinterpret_cast<int (*)(void*)>(reinterpret_cast<void (*)()>(info->routine))(info->arg)))
                             : info->routine(info->arg);
    info->end = shimlog::ThreadEnd::Returned;
    return result;
}

int thread_trampoline_c11(void* info) {
    return static_cast<int>(reinterpret_cast<uintptr_t>(thread_trampoline(info)));
}

void thread_note_exit() {
    if (t_info != nullptr) t_info->end = shimlog::ThreadEnd::Exited;
}

void thread_add_join_wait(uint64_t ticks) {
    ThreadInfo* info = t_info;
    if (info == nullptr) return;
    info->join_wait_ticks += ticks;
    info->joins++;
}

void threads_write_alive(bool direct) {
    uint64_t now = now_ticks();
    for (ThreadInfo* t = threads_first(); t; t = t->next) {
        if (!t->in_use.load(std::memory_order_acquire)) continue;
        uint32_t tid = t->tid.load(std::memory_order_acquire);
        if (tid == 0) continue;  // created, not yet running
        write_record(*t, shimlog::ThreadEnd::AliveAtExit, now, thread_cpu_ns(tid), shimlog::ThreadCpu::Read, direct);
    }
}

void threads_init() {
    uint32_t main_tid = current_tid();
    g_main_cpu_at_start.store(own_cpu_ns(), std::memory_order_relaxed);
    g_main_tid.store(main_tid, std::memory_order_relaxed);
    if (pthread_key_create(&g_end_key, thread_finished) == 0) g_key_ready.store(true, std::memory_order_release);
    g_main = pool_acquire(g_threads);
    if (g_main == nullptr) return;
    g_main->tid.store(main_tid, std::memory_order_relaxed);
    g_main->is_main = true;
    g_main->end = shimlog::ThreadEnd::AliveAtExit;
    g_main->start_ticks = log_start_ticks();
    g_main->io.store(thread_io_this(), std::memory_order_relaxed);
    t_info = g_main;
}

void threads_after_fork_child() {
    g_ended_cpu_ns.store(0);
    g_io_short_ended.store(0);
    for (ThreadInfo* t = threads_first(); t; t = t->next) {
        if (t == t_info) continue;
        t->tid.store(0, std::memory_order_relaxed);
        pool_release(t);
    }
    // The forking thread is the child's main thread now, its clock new at 0.
    g_main_tid.store(current_tid(), std::memory_order_relaxed);
    g_main_cpu_at_start.store(0, std::memory_order_relaxed);
    if (t_info != nullptr) {
        t_info->tid.store(current_tid(), std::memory_order_relaxed);
        t_info->is_main = true;
        t_info->end = shimlog::ThreadEnd::AliveAtExit;
        t_info->start_ticks = log_start_ticks();
        t_info->join_wait_ticks = 0;
        t_info->joins = 0;
        t_info->create_stack = 0;
        t_info->parent_tid = 0;
    }
}

uint64_t thread_cpu_ns(uint32_t tid) {
    // The kernel's per-thread CPU clock id: MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED).
    clockid_t clock = static_cast<clockid_t>((~static_cast<clockid_t>(tid)) * 8 | 6);
    timespec ts;
    if (clock_gettime(clock, &ts) != 0) return 0;
    return since_image_start(tid, timespec_ns(ts));
}

}  // namespace shim
