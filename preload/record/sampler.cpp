#include "sampler.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <cstdio>
#include <dirent.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/single_threaded.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../../format/event_encoders.h"
#include "../../format/log_format.h"
#include "../clock.h"
#include "cpu_profile.h"
#include "../log/compressor.h"
#include "../hooks/interpose.h"
#include "../log/record_sink.h"
#include "../log/windows.h"
#include "../settings.h"
#include "recording.h"
#include "threads.h"

namespace shim {
namespace {

using shimlog::SampleTag;

constexpr uint32_t kDefaultIntervalUs = kDefaultSampleIntervalUs;
constexpr uint32_t kMaxIntervalUs = kMaxSampleIntervalUs;
constexpr uint32_t kBufferBytes = 64 * 1024;
constexpr uint32_t kTicksPerThreadScan = 10;     // per-thread clocks every ~10 ms
constexpr uint32_t kTicksPerTaskRescan = 100;    // /proc/self/task every ~100 ms
constexpr uint64_t kFlushEveryNs = 1000000000;   // a chunk a second reaches the disk
constexpr int kMaxForeignThreads = 256;

struct SamplerState {
    uint8_t buffer[kBufferBytes];
    uint32_t used = 0;
    uint32_t events = 0;
    uint64_t first_ns = 0;     // the reading the chunk's first delta starts from
    uint64_t last_ns = 0;
    uint64_t last_cpu = 0;     // process CPU less the sampler's, at last_ns
    uint64_t last_flush_ns = 0;
    uint32_t interval_us = kDefaultIntervalUs;
    uint32_t wanted_interval_us = kDefaultIntervalUs;
    uint64_t average_cost_ns = 0;
    uint32_t foreign[kMaxForeignThreads];  // threads found in /proc, not made via pthread_create
    int foreign_count = 0;
};

SamplerState g_state;
std::atomic<bool> g_started{false};
// Futex words: the sampler sleeps on g_stop and sampler_stop on g_stopped, so
// that each wakes the other at once. (Sleeping in clock_nanosleep kept an
// exiting program waiting for the sampler's next tick: half an interval on
// average, 4 ms once the interval had grown to 8.)
std::atomic<uint32_t> g_stop{0};
std::atomic<uint32_t> g_stopped{0};

// Waits while `word` holds `value`, until woken or until `deadline`
// (CLOCK_MONOTONIC). False once the deadline has passed.
bool wait_while(std::atomic<uint32_t>& word, uint32_t value, const timespec& deadline) {
    while (word.load(std::memory_order_acquire) == value) {
        long r = syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG,
                         value, &deadline, nullptr, FUTEX_BITSET_MATCH_ANY);
        if (r != 0 && errno == ETIMEDOUT) return false;
    }
    return true;
}

void add_ns(timespec& t, uint64_t ns) {
    t.tv_sec += time_t(ns / 1000000000);
    t.tv_nsec += long(ns % 1000000000);
    if (t.tv_nsec >= 1000000000) t.tv_nsec -= 1000000000, t.tv_sec++;
}

void set_and_wake(std::atomic<uint32_t>& word) {
    word.store(1, std::memory_order_release);
    syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, nullptr, nullptr, 0);
}

// The program's CPU time: its threads' own clocks, summed, plus the threads
// that ended. The process clock would be cheaper, but the kernel brings the
// other cores' running threads into it only at scheduler ticks (~4 ms): read
// every millisecond, it swings between 1 and 3.4 threads for 2 busy ones.
uint64_t program_cpu_ns(const SamplerState& s) {
    uint64_t total = threads_ended_cpu_ns();
    threads_for_each_live([&](uint32_t tid) { total += thread_cpu_ns(tid); });
    for (int i = 0; i < s.foreign_count; ++i) total += thread_cpu_ns(s.foreign[i]);
    return total;
}

void flush_chunk(SamplerState& s) {
    if (s.events > 0) {
        Compressed packed = compress_chunk(s.buffer, s.used);
        shimlog::SampleChunkRecord rec{};
        rec.first_ns = s.first_ns;
        rec.event_count = s.events;
        rec.raw_size = s.used;
        rec.compression = static_cast<uint8_t>(packed.handle >= 0 ? shimlog::Compression::Zstd
                                                                  : shimlog::Compression::None);
        rec.interval_us = s.interval_us;
        log_write_record(shimlog::RecordType::SampleChunk, {{&rec, sizeof rec}, {packed.data, packed.size}});
        compressor_done(packed.handle);
    }
    s.used = 0;
    s.events = 0;
    s.first_ns = s.last_ns;
    s.last_flush_ns = s.last_ns;
}

void put_event(SamplerState& s, SampleTag tag, uint64_t a, uint64_t b) {
    if (kBufferBytes - s.used < 32) flush_chunk(s);
    uint8_t* out = shimlog::put_sample_event(s.buffer + s.used, tag, a, b);
    s.used = static_cast<uint32_t>(out - s.buffer);
    s.events++;
}

bool is_known(uint32_t tid) {
    bool known = false;
    threads_for_each_live([&](uint32_t live) { known = known || live == tid; });
    return known;
}

// Threads the hooks never saw (made with clone, or before the shim started).
void rescan_tasks(SamplerState& s, uint32_t self) {
    s.foreign_count = 0;
    DIR* dir = opendir("/proc/self/task");
    if (dir == nullptr) return;
    while (dirent* entry = readdir(dir)) {
        uint32_t tid = static_cast<uint32_t>(strtoul(entry->d_name, nullptr, 10));
        if (tid == 0 || tid == self || is_known(tid)) continue;
        if (s.foreign_count < kMaxForeignThreads) s.foreign[s.foreign_count++] = tid;
    }
    closedir(dir);
    cpu_profile_foreign_threads(s.foreign, s.foreign_count);
}

// The start of /proc/self/task/TID/NAME, NUL-terminated; false when unreadable or empty.
bool read_task_file(uint32_t tid, const char* name, char* text, size_t size) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%u/%s", tid, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    ssize_t got = read(fd, text, size - 1);
    close(fd);
    if (got <= 0) return false;
    text[got] = '\0';
    return true;
}

// The ns a thread has spent runnable but waiting for a CPU (the second field
// of its schedstat): what tells "blocked" from "no core free" when another
// program holds the cores. False when the kernel keeps no schedstats.
bool thread_run_delay(uint32_t tid, uint64_t& delay) {
    char text[96];
    if (!read_task_file(tid, "schedstat", text, sizeof text)) return false;
    char* end = nullptr;
    strtoull(text, &end, 10);  // CPU time: the thread clock has it already
    if (end == text) return false;
    char* after = nullptr;
    delay = strtoull(end, &after, 10);
    return after != end;
}

// A thread created just before a rescan is listed as foreign before its
// trampoline marks it live: summed twice until the next rescan (two threads
// sharing one pinned core read P = 1.5 for the first 360 ms, and the run
// 0.18 s more CPU than it used). Once the hooks know it, it is theirs.
void forget_known_foreign(SamplerState& s) {
    int kept = 0;
    for (int i = 0; i < s.foreign_count; ++i)
        if (!is_known(s.foreign[i])) s.foreign[kept++] = s.foreign[i];
    s.foreign_count = kept;
}

shimlog::BlockedIn blocked_kind(long nr) {
    using shimlog::BlockedIn;
    switch (nr) {
        case SYS_read: case SYS_write: case SYS_pread64: case SYS_pwrite64: case SYS_readv: case SYS_writev:
        case SYS_preadv: case SYS_pwritev: case SYS_recvfrom: case SYS_sendto: case SYS_recvmsg: case SYS_sendmsg:
        case SYS_accept: case SYS_accept4: case SYS_connect: case SYS_ppoll: case SYS_pselect6:
        case SYS_epoll_pwait: case SYS_fsync: case SYS_fdatasync: case SYS_sendfile: case SYS_splice:
        case SYS_copy_file_range:
#ifdef SYS_poll
        case SYS_poll: case SYS_select: case SYS_epoll_wait:
#endif
            return BlockedIn::Io;
        case SYS_nanosleep: case SYS_clock_nanosleep:
#ifdef SYS_pause
        case SYS_pause:
#endif
            return BlockedIn::Sleep;
        case SYS_futex:
#ifdef SYS_futex_waitv
        case SYS_futex_waitv:
#endif
            return BlockedIn::Futex;
        case SYS_wait4: case SYS_waitid:
            return BlockedIn::Child;
        default:
            return BlockedIn::Other;
    }
}

// The syscall a thread is blocked in (/proc/self/task/TID/syscall starts with
// its number; "running" while it runs or is runnable, -1 when blocked
// outside a syscall). False when it was not in one, or the file is unreadable.
// Whether the syscall's first argument is a descriptor (its I/O is on it).
bool first_argument_is_fd(long nr) {
    switch (nr) {
        case SYS_read: case SYS_write: case SYS_pread64: case SYS_pwrite64: case SYS_readv: case SYS_writev:
        case SYS_preadv: case SYS_pwritev: case SYS_recvfrom: case SYS_sendto: case SYS_recvmsg: case SYS_sendmsg:
        case SYS_accept: case SYS_accept4: case SYS_connect: case SYS_epoll_pwait: case SYS_fsync:
        case SYS_fdatasync: case SYS_sendfile: case SYS_splice: case SYS_copy_file_range:
#ifdef SYS_epoll_wait
        case SYS_epoll_wait:
#endif
            return true;
        default:
            return false;
    }
}

// The syscall a thread is blocked in and, for I/O on one descriptor, that
// descriptor (-1 otherwise): the line is "NR ARG1 ... ARG6 SP PC", the
// arguments in hex.
bool thread_blocked_in(uint32_t tid, shimlog::BlockedIn& kind, long& fd) {
    char text[256];
    if (!read_task_file(tid, "syscall", text, sizeof text) || text[0] < '0' || text[0] > '9') return false;
    char* after = nullptr;
    long nr = strtol(text, &after, 10);
    kind = blocked_kind(nr);
    fd = -1;
    if (kind == shimlog::BlockedIn::Io && first_argument_is_fd(nr)) {
        char* end = nullptr;
        unsigned long arg = strtoul(after, &end, 16);  // "0x3": strtoul takes the 0x prefix in base 16
        if (end != after && arg <= 0x7fffffff) fd = static_cast<long>(arg);
    }
    return true;
}

void sample_thread(SamplerState& s, uint32_t tid) {
    put_event(s, SampleTag::ThreadCpu, tid, thread_cpu_ns(tid));
    uint64_t delay = 0;
    if (thread_run_delay(tid, delay)) put_event(s, SampleTag::ThreadWait, tid, delay);
    shimlog::BlockedIn kind;
    long fd;
    if (thread_blocked_in(tid, kind, fd)) {
        put_event(s, SampleTag::ThreadBlocked, tid, uint64_t(kind));
        if (fd >= 0) put_event(s, SampleTag::ThreadBlockedFd, tid, uint64_t(fd));
    }
}

void sample_threads(SamplerState& s) {
    threads_for_each_live([&](uint32_t tid) { sample_thread(s, tid); });
    for (int i = 0; i < s.foreign_count; ++i) sample_thread(s, s.foreign[i]);
}

// Keeps the sampler under 1% of a core: when its rounds cost more than 1% of
// the interval on average (the occasional flush or rescan is averaged in,
// not a reason on its own), the interval doubles; when they cost under 0.25%
// it halves again, down to the interval asked for. A round's cost is the
// sampler's CPU since the last one: its wake-up too, which on a VM costs more
// than the readings.
void adapt_interval(SamplerState& s, uint64_t cost_ns) {
    s.average_cost_ns = (s.average_cost_ns * 15 + cost_ns) / 16;
    uint64_t interval_ns = uint64_t(s.interval_us) * 1000;
    if (s.average_cost_ns * 100 > interval_ns && s.interval_us < kMaxIntervalUs) {
        s.interval_us *= 2;
    } else if (s.average_cost_ns * 400 < interval_ns && s.interval_us / 2 >= s.wanted_interval_us) {
        s.interval_us /= 2;
    }
}

// One reading: the wall time and the program's CPU since the last. Returns now.
uint64_t read_tick(SamplerState& s) {
    forget_known_foreign(s);
    uint64_t now = monotonic_ns();
    uint64_t cpu = program_cpu_ns(s);
    put_event(s, SampleTag::Tick, now - s.last_ns, cpu > s.last_cpu ? cpu - s.last_cpu : 0);
    s.last_ns = now;
    s.last_cpu = cpu;
    return now;
}

// The control channel is read this often (a stat each time).
constexpr uint64_t kPausedPollNs = 50 * 1000000;

// On this thread only: a window is closing, its readings go to its log.
void flush_readings() {
    read_tick(g_state);
    flush_chunk(g_state);
}

// A window opened: the readings restart from now, with none pending.
void restart_readings(SamplerState& s, timespec& next) {
    s.used = 0;
    s.events = 0;
    uint64_t now = monotonic_ns();
    s.first_ns = s.last_ns = s.last_flush_ns = now;
    s.last_cpu = program_cpu_ns(s);
    clock_gettime(CLOCK_MONOTONIC, &next);
}

// The threads of this process: /proc/self/task has two links more; -1 if unknown.
long threads_now() {
    struct stat st;
    return stat("/proc/self/task", &st) == 0 ? long(st.st_nlink) - 2 : -1;
}

// A thread the hooks did not see (a raw clone, one glibc made for itself).
void check_still_alone() {
    if (sampler_alone_with_main() && threads_now() != 2) g_sampler_alone_with_main.store(false);
}

// The sampler of a program that is one thread (a controlled one: SHIM_START,
// SHIM_PERIOD) takes a descriptor table of its own. While the program's
// thread is the table's only user the kernel skips a reference count and the
// file position lock on every read and write (fdget_pos): a shared table cost
// a byte-at-a-time reader ~10 ns a call, paused as well as recording. The
// copy's descriptors are closed at once, so no file the program closes stays
// open here (a pipe's reader gets its end-of-file as without the shim); this
// thread opens only files of its own (control requests, /proc, the log).
void take_own_descriptor_table() {
    if (unshare(CLONE_FILES) != 0) return;
    if (syscall(SYS_close_range, 0u, ~0u, 0u) == 0) return;
    rlimit limit;  // a kernel before 5.9: one by one
    long top = getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < (1u << 20) ? long(limit.rlim_cur) : 1L << 20;
    for (long fd = 0; fd < top; ++fd) syscall(SYS_close, fd);
}

void* sampler_main(void* alone) {
    ReentryGuard guard;  // everything this thread does is the shim's
    if (alone != nullptr) take_own_descriptor_table();
    SamplerState& s = g_state;
    uint32_t self = static_cast<uint32_t>(gettid());
    // No wakeup preemption: while every core is busy a reading waits for the
    // next scheduler tick instead of interrupting a program thread at once.
    // Its share of the CPU stays a normal thread's, so readings never starve.
    sched_param normal{};
    sched_setscheduler(0, SCHED_BATCH, &normal);
    timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    uint64_t own_cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID);
    uint64_t last_poll_ns = 0;
    for (uint64_t tick = 1;; ++tick) {
        if (!recording()) {  // paused (windows.h): no readings, only the control channel
            clock_gettime(CLOCK_MONOTONIC, &next);
            add_ns(next, kPausedPollNs);
            if (wait_while(g_stop, 0, next)) break;
            check_still_alone();
            if (windows_poll(flush_readings)) restart_readings(s, next);  // its readings start now
            continue;
        }
        add_ns(next, uint64_t(s.interval_us) * 1000);
        if (wait_while(g_stop, 0, next)) break;  // sampler_stop
        uint64_t now = read_tick(s);
        if (windows_controlled() && now - last_poll_ns >= kPausedPollNs) {
            last_poll_ns = now;
            check_still_alone();
            if (windows_poll(flush_readings)) restart_readings(s, next);
        }
        if (tick % kTicksPerTaskRescan == 1) rescan_tasks(s, self);
        if (tick % kTicksPerThreadScan == 0) sample_threads(s);
        if (now - s.last_flush_ns >= kFlushEveryNs) flush_chunk(s);
        log_checkpoint(now_ticks());  // about once a second, even while the program's threads are quiet
        uint64_t own_now = clock_ns(CLOCK_THREAD_CPUTIME_ID);
        adapt_interval(s, own_now - own_cpu);
        own_cpu = own_now;
    }
    read_tick(s);  // the part interval up to the stop
    sample_threads(s);
    flush_chunk(s);
    set_and_wake(g_stopped);
    return nullptr;
}

}  // namespace

std::atomic<bool> g_sampler_alone_with_main{false};

namespace {
void spawn_sampler(bool alone);
}

void sampler_start(bool only_thread) {
    bool expected = false;
    if (!g_started.compare_exchange_strong(expected, true)) return;
    ReentryGuard guard;
    SamplerState& s = g_state;
    s.interval_us = s.wanted_interval_us = setting_sample_interval_us();
    // The readings start at the process's start: one tick covers the time
    // before the sampler, with the CPU used until now.
    s.first_ns = s.last_ns = s.last_flush_ns = log_start_ns();
    uint64_t now = monotonic_ns();
    s.last_cpu = program_cpu_ns(s);  // the threads so far: the creating thread, mostly
    put_event(s, SampleTag::Tick, now - s.last_ns, s.last_cpu);
    s.last_ns = now;
    // A fork child found by its pid later, not by a hook, may have made threads meanwhile.
    spawn_sampler((only_thread ? threads_now() == 1 : __libc_single_threaded) && windows_controlled());
}

namespace {

// Starts the thread. Alone with main: a controlled one-thread program's
// (started from the shim's constructor). Otherwise it is started by the
// program's first pthread_create, which makes the program's second thread
// right after.
void spawn_sampler(bool alone) {
    // The new thread inherits a full signal mask: program signals never land on it.
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    static RealFunction<int (*)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*)> real_create(
        "pthread_create");
    pthread_t thread;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    static int alone_tag;
    if (real_create.get()(&thread, &attr, sampler_main, alone ? &alone_tag : nullptr) != 0)
        g_stopped.store(1);
    else if (alone)
        g_sampler_alone_with_main.store(true, std::memory_order_relaxed);
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

bool g_stepped_aside_alone = false;

}  // namespace

bool sampler_step_aside() {
    if (!g_started.load(std::memory_order_acquire) || g_stopped.load() != 0 || threads_now() != 2) return false;
    ReentryGuard guard;
    ErrnoKeeper keep;
    g_stepped_aside_alone = sampler_alone_with_main();
    sampler_stop();
    if (g_stopped.load() == 0) {  // not ended within 200 ms: it goes on, and the call fails as it would have
        g_stop.store(0);
        return false;
    }
    // Its function has returned; the kernel takes the thread out of the
    // group a moment later. Up to ~200 ms.
    for (int i = 0; i < 2000 && threads_now() != 1; ++i) {
        timespec pause{0, 100 * 1000};
        nanosleep(&pause, nullptr);
    }
    return true;
}

void sampler_come_back() {
    ReentryGuard guard;
    ErrnoKeeper keep;
    SamplerState& s = g_state;
    // The readings go on from now: the time aside is in no tick.
    s.used = 0;
    s.events = 0;
    s.first_ns = s.last_ns = s.last_flush_ns = monotonic_ns();
    s.last_cpu = program_cpu_ns(s);
    g_stop.store(0);
    g_stopped.store(0);
    spawn_sampler(g_stepped_aside_alone);
}

void sampler_stop() {
    if (!g_started.load(std::memory_order_acquire)) return;
    ErrnoKeeper keep;
    set_and_wake(g_stop);
    // Its last readings take well under a millisecond; do not hold an exiting
    // program for long if it is somehow stuck.
    timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    add_ns(deadline, 200 * 1000000);
    wait_while(g_stopped, 0, deadline);
}

void sampler_note_program_thread() { g_sampler_alone_with_main.store(false, std::memory_order_relaxed); }

void sampler_after_fork_child() {
    g_sampler_alone_with_main.store(false, std::memory_order_relaxed);
    g_started.store(false);
    g_stop.store(0);
    g_stopped.store(0);
    g_state.used = 0;
    g_state.events = 0;
    g_state.foreign_count = 0;
}

}  // namespace shim
