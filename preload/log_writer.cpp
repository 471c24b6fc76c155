// The log file and the record arena. See log_writer.h.
#include "log_writer.h"

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <linux/kcmp.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "clock.h"
#include "exit_scan.h"
#include "interpose.h"
#include "alloc_events.h"
#include "alloc_sampling.h"
#include "alloc_stacks.h"
#include "io_stats.h"
#include "kernel_io.h"
#include "passing_records.h"
#include "sampler.h"
#include "threads.h"
#include "modules.h"
#include "shim_messages.h"

namespace shim {
namespace {

using shimlog::RecordHeader;
using shimlog::RecordType;

// ---- arena: records made at run time, kept until a flush writes them ----
// Reserved once, touched only as used (MAP_NORESERVE).
constexpr size_t kArenaBytes = size_t(256) << 20;
std::atomic<char*> g_arena{nullptr};
std::atomic<size_t> g_arena_used{0};
size_t g_arena_flushed = 0;  // owned by the flusher
std::atomic<uint64_t> g_dropped{0};

// fork() must not copy a half-written arena record into the child, where the
// thread writing it no longer exists and the record would stay unfinished:
// the fork waits for arena writers to finish, and new ones wait for the fork.
std::atomic<int> g_arena_writers{0};
std::atomic<bool> g_fork_pending{false};

class ArenaWriter {
public:
    ArenaWriter() {
        for (int spin = 0;; ++spin) {
            g_arena_writers.fetch_add(1, std::memory_order_acq_rel);
            if (!g_fork_pending.load(std::memory_order_acquire) || spin > 100000) return;
            g_arena_writers.fetch_sub(1, std::memory_order_acq_rel);
            while (g_fork_pending.load(std::memory_order_acquire) && spin++ < 100000) sched_yield();
        }
    }
    ~ArenaWriter() { g_arena_writers.fetch_sub(1, std::memory_order_release); }
    ArenaWriter(const ArenaWriter&) = delete;
    ArenaWriter& operator=(const ArenaWriter&) = delete;
};

char* arena_base() {
    char* base = g_arena.load(std::memory_order_acquire);
    if (base != nullptr) return base;
    void* mem = mmap(nullptr, kArenaBytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mem == MAP_FAILED) return nullptr;
    char* expected = nullptr;
    if (!g_arena.compare_exchange_strong(expected, static_cast<char*>(mem))) {
        munmap(mem, kArenaBytes);  // another thread won the race
        return expected;
    }
    return static_cast<char*>(mem);
}

// ---- the file ----
struct LogFile {
    char path[PATH_MAX + 64] = {}; // where the log ends up
    char base[PATH_MAX] = {};      // the run's name; later processes add ".<pid>"
    bool created = false;          // the file exists and holds our header
    bool failed = false;           // said once on stderr; stop trying
    bool write_trouble_said = false;  // a write failed once: said, still trying
    uint32_t children = 0;            // processes this image forked
    dev_t dev = 0;
    ino_t ino = 0;
    uint32_t pid = 0;
    uint32_t ppid = 0;
    bool parent_traced = false;
    uint64_t start_realtime_ns = 0;
    uint64_t start_ns = 0;
    uint64_t start_ticks = 0;
};
LogFile g_log;
std::atomic<bool> g_finalized{false};
// Set once log_init chose the path. Hooks can run before the shim's
// constructor (another library's constructor allocates: LLVM's tools do);
// until then nothing is written, and nothing is taken for a failure.
std::atomic<bool> g_ready{false};
// Checkpoints put what is known on disk about once a second, so a SIGKILL
// loses at most that much. In ticks: ~0.7 s at 3 GHz, ~1 s at 2 GHz.
constexpr uint64_t kCheckpointTicks = uint64_t(1) << 31;

// Held while the file is written, by kernel thread id: a signal handler that
// interrupts a write on the same thread sees its own id and backs off instead
// of deadlocking. Cancellation is off meanwhile (write is a cancellation point).
std::atomic<uint32_t> g_file_owner{0};

// True when this thread now holds the lock (false if another thread kept it
// past the wait, or this thread holds it already: a signal handler).
bool acquire_file_lock(bool wait) {
    uint32_t self = thread_id();
    for (int spin = 0; spin < (wait ? 200000 : 1); ++spin) {
        uint32_t owner = g_file_owner.load(std::memory_order_relaxed);
        if (owner == self) return false;
        if (owner == 0 && g_file_owner.compare_exchange_weak(owner, self, std::memory_order_acquire)) return true;
        if (spin > 100) usleep(50);
    }
    return false;
}

void release_file_lock() { g_file_owner.store(0, std::memory_order_release); }

class FileLock {
public:
    // wait=false: give up at once if another thread is writing (checkpoints).
    explicit FileLock(bool wait = true) {
        pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel_state_);
        held_ = acquire_file_lock(wait);
    }
    ~FileLock() {
        if (held_) release_file_lock();
        pthread_setcancelstate(cancel_state_, nullptr);
    }
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;
    bool held() const { return held_; }

private:
    bool held_ = false;
    int cancel_state_ = 0;
};

// Buffered writes during a flush (single flusher at a time).
char g_out[64 * 1024];
size_t g_out_used = 0;
int g_out_fd = -1;
int saved_errno_ = 0;  // the program's errno, put back after each write

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
        bytes += n;
        size -= n;
    }
}

}  // namespace

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

namespace {

void write_process_record() {
    static char exe[PATH_MAX];
    ssize_t exe_len = readlink("/proc/self/exe", exe, sizeof exe);
    if (exe_len < 0) exe_len = 0;
    static char cmdline[16 * 1024];
    size_t cmdline_len = read_proc_file("/proc/self/cmdline", cmdline, sizeof cmdline);
    shimlog::ProcessRecord rec{};
    rec.pid = g_log.pid;
    rec.ppid = g_log.ppid;
    rec.parent_traced = g_log.parent_traced ? 1 : 0;
    rec.start_realtime_ns = g_log.start_realtime_ns;
    rec.start_ns = g_log.start_ns;
    rec.start_ticks = g_log.start_ticks;
    rec.exe_len = static_cast<uint32_t>(exe_len);
    rec.cmdline_len = static_cast<uint32_t>(cmdline_len);
    sink_record(RecordType::Process, {{&rec, sizeof rec},
                                      {exe, static_cast<size_t>(exe_len)},
                                      {cmdline, cmdline_len}});
}

void set_path_for_process(bool first_of_run);

// Links `from` under this process's first free name — log.bin.<pid>, then
// .1, .2, ...: an exec'd image keeps its pid, and the image before it may hold
// the name — and leaves the name in g_log.path. Never replaces a file.
bool link_under_own_name(const char* from) {
    set_path_for_process(false);
    char candidate[PATH_MAX + 64];
    snprintf(candidate, sizeof candidate, "%s", g_log.path);
    for (int n = 1; n < 100; ++n) {
        if (link(from, candidate) == 0) {
            snprintf(g_log.path, sizeof g_log.path, "%s", candidate);
            return true;
        }
        if (errno != EEXIST) return false;
        snprintf(candidate, sizeof candidate, "%.*s.%d", PATH_MAX, g_log.path, n);
    }
    return false;
}

// Creates the log without following a symlink or writing into a file we did
// not make: a fresh temporary file, then renamed over the run's name (first
// process) or linked to a name no other process holds (later ones).
int create_log() {
    char tmp[PATH_MAX + 128];
    snprintf(tmp, sizeof tmp, "%s.%u.tmp", g_log.path, g_log.pid);
    int fd = ::open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    bool placed = false;
    if (!g_log.parent_traced) {
        placed = rename(tmp, g_log.path) == 0;
    } else {
        placed = link_under_own_name(tmp);
        int saved = errno;
        unlink(tmp);
        errno = saved;
    }
    if (!placed) {
        int saved = errno;
        ::close(fd);
        unlink(tmp);
        errno = saved;
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) == 0) {
        g_log.dev = st.st_dev;
        g_log.ino = st.st_ino;
    }
    return fd;
}

// Re-opens the log we created, refusing a file that replaced it meanwhile.
int reopen_log() {
    int fd = ::open(g_log.path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return -1;
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_dev != g_log.dev || st.st_ino != g_log.ino) {
        ::close(fd);
        errno = EEXIST;
        return -1;
    }
    return fd;
}

int open_log() {
    if (g_log.created) return reopen_log();
    int fd = create_log();
    if (fd < 0) return -1;
    g_log.created = true;
    g_out_fd = fd;
    shimlog::FileHeader header{};
    memcpy(header.magic, shimlog::kMagic, sizeof header.magic);
    header.version = shimlog::kVersion;
    header.endianness = shimlog::kLittleEndian;
    header.pointer_size = sizeof(void*);
    header.header_size = sizeof header;
    out_write(&header, sizeof header);
    write_process_record();
    return fd;
}

// Opens the log for this write (creating it the first time); false, with one
// line on stderr the first time, when it cannot be written.
bool begin_writing() {
    if (g_log.failed) return false;
    saved_errno_ = errno;
    int fd = open_log();
    if (fd < 0) {
        char shown[kShownPathBytes];
        int reason = errno;
        // Out of descriptors or memory now, perhaps not at the next write: the
        // log exists, so keep trying, and count what is lost meanwhile.
        bool passing = reason == EMFILE || reason == ENFILE || reason == ENOMEM || reason == EINTR;
        if (g_log.created && passing) {
            if (!g_log.write_trouble_said)
                say("cannot open log %s to add to it: %s (the program runs on; the log may end early, marked PARTIAL)",
                    shown_path(g_log.path, shown, sizeof shown), strerror(reason));
            g_log.write_trouble_said = true;
        } else {
            // Said once per run: a later process of it (same directory, same cause) stays quiet.
            if (!g_log.parent_traced)
                say("cannot %s log %s: %s (the program runs on, untraced)", g_log.created ? "reopen" : "create",
                    shown_path(g_log.path, shown, sizeof shown), strerror(reason));
            g_log.failed = true;
        }
        errno = saved_errno_;
        return false;
    }
    g_out_fd = fd;
    return true;
}

bool end_writing() {
    out_drain();
    if (g_out_fd >= 0) ::close(g_out_fd);
    g_out_fd = -1;
    errno = saved_errno_;
    return !g_log.failed;
}

// Copies the arena's complete records (a record is complete once its type is
// set), then the passing ones (passing_records.h).
void write_arena() {
    char* base = g_arena.load(std::memory_order_acquire);
    if (base == nullptr) return;
    size_t end = g_arena_used.load(std::memory_order_acquire);
    if (end > kArenaBytes) end = kArenaBytes;  // reservations past the end were refused
    size_t pos = g_arena_flushed;
    while (pos + sizeof(RecordHeader) <= end) {
        auto* header = reinterpret_cast<RecordHeader*>(base + pos);
        uint16_t type = __atomic_load_n(&header->type, __ATOMIC_ACQUIRE);
        if (type == 0) break;  // still being filled by another thread
        size_t size = sizeof(RecordHeader) + header->size;
        out_write(base + pos, size);
        pos += size;
    }
    g_arena_flushed = pos;
    passing_write_out(out_write);
}

// Whether a /proc file holds `needle`, read in blocks with a tail kept so a
// match split across two blocks is still found. -1: it cannot be read. The
// first block starts after a NUL, so "\0NAME=" also matches the first entry
// of a NUL-separated file.
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

// True when the parent process has this shim mapped: then we are a later
// process of a traced run (exec'd child, posix_spawn, system()). Its maps
// cost 0.1-0.3 ms to read (a line per mapping, each path printed by the
// kernel), so first the cheap sign: a parent whose environment at its start
// had no LD_PRELOAD, on a system without /etc/ld.so.preload, had nothing
// preloaded (unless started as `ld.so --preload`, which this misses).
bool parent_is_traced(uint32_t ppid) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%u/environ", ppid);
    static const char kPreload[] = "\0LD_PRELOAD=";
    if (proc_file_contains(path, kPreload, sizeof kPreload - 1) == 0 && access("/etc/ld.so.preload", F_OK) != 0)
        return false;
    char self[PATH_MAX];
    if (!shim_library_path(self, sizeof self)) return false;
    snprintf(path, sizeof path, "/proc/%u/maps", ppid);
    return proc_file_contains(path, self, strlen(self)) == 1;
}

void set_path_for_process(bool first_of_run) {
    if (first_of_run)
        snprintf(g_log.path, sizeof g_log.path, "%s", g_log.base);
    else
        snprintf(g_log.path, sizeof g_log.path, "%s.%u", g_log.base, g_log.pid);
}

void choose_path(bool first_of_run) {
    const char* configured = getenv("SHIM_LOG");
    char name[PATH_MAX];
    if (configured == nullptr || configured[0] == '\0') {
        snprintf(name, sizeof name, "log.bin");
    } else if (strlen(configured) >= sizeof name - 32) {
        // Not log.bin instead: a file the user did not name, perhaps another run's.
        char shown[kShownPathBytes];
        say("SHIM_LOG=%s is longer than %d bytes: no log (the program runs on, untraced)",
            shown_path(configured, shown, sizeof shown), PATH_MAX - 32);
        g_log.failed = true;
        snprintf(name, sizeof name, "log.bin");
    } else {
        snprintf(name, sizeof name, "%s", configured);
    }
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

void take_start_times() {
    g_log.start_realtime_ns = realtime_ns();
    g_log.start_ns = monotonic_ns();
    g_log.start_ticks = now_ticks();
    g_next_checkpoint.store(g_log.start_ticks + kCheckpointTicks);
}

}  // namespace

size_t record_payload_size(std::initializer_list<Bytes> parts) {
    size_t n = 0;
    for (const Bytes& part : parts) n += part.size;
    return n;
}

void fill_record(char* at, RecordType type, size_t payload, std::initializer_list<Bytes> parts) {
    auto* header = reinterpret_cast<RecordHeader*>(at);
    header->reserved = 0;
    header->size = static_cast<uint32_t>(payload);
    char* out = at + sizeof(RecordHeader);
    for (const Bytes& part : parts) {
        memcpy(out, part.data, part.size);
        out += part.size;
    }
    __atomic_store_n(&header->type, static_cast<uint16_t>(type), __ATOMIC_RELEASE);
}

void* arena_record(RecordType type, std::initializer_list<Bytes> parts) {
    ArenaWriter writer;
    char* base = arena_base();
    size_t payload = record_payload_size(parts);
    size_t size = sizeof(RecordHeader) + payload;
    if (base == nullptr || payload > shimlog::kMaxRecordSize) {
        count_dropped();
        return nullptr;
    }
    size_t pos = g_arena_used.fetch_add(size, std::memory_order_acq_rel);
    if (pos + size > kArenaBytes) {
        count_dropped();
        return nullptr;  // the flusher stops at the unset type; nothing after it is lost to order
    }
    fill_record(base + pos, type, payload, parts);
    return base + pos + sizeof(RecordHeader);
}

void sink_record(RecordType type, std::initializer_list<Bytes> parts) {
    RecordHeader header{static_cast<uint16_t>(type), 0, static_cast<uint32_t>(record_payload_size(parts))};
    out_write(&header, sizeof header);
    for (const Bytes& part : parts) out_write(part.data, part.size);
}

void (*g_new_process_handler)() = nullptr;

void log_on_new_process(void (*handler)()) { g_new_process_handler = handler; }

// Whose process this is, checked by pid before each write (a syscall per
// write, not per event). A copy that no fork handler told (a raw clone)
// becomes that process's own log first: Adopted. A process that shares our
// memory (vfork, CLONE_VM) or cannot be told apart must write nothing.
enum class Process { Same, Adopted, Foreign };

Process check_process() {
    uint32_t pid = static_cast<uint32_t>(getpid());
    if (pid == g_log.pid) return Process::Same;
    ErrnoKeeper keep;
    bool own_memory = syscall(SYS_kcmp, pid, g_log.pid, KCMP_VM, 0, 0) > 0;
    if (!own_memory || g_new_process_handler == nullptr) return Process::Foreign;
    // The copy's unwritten events are its parent's and its own since the
    // clone, mixed: none is written, and the new log says how many.
    uint64_t unwritten = alloc_events_pending();
    g_new_process_handler();
    g_dropped.fetch_add(unwritten, std::memory_order_relaxed);
    return Process::Adopted;
}

// What every checkpoint and the final flush write after the pending records:
// the definitions, the module map and the cumulative counters.
void write_state() {
    write_arena();
    write_module_map();
    io_write_snapshot();
    kernel_io_write_record();
    sampling_write_counts();
}

void log_init(bool continues_exec, bool takes_run_name) {
    ReentryGuard guard;  // reading /proc is the shim's business, not the program's
    g_log.pid = static_cast<uint32_t>(getpid());
    g_log.ppid = static_cast<uint32_t>(getppid());
    g_log.parent_traced = continues_exec ? !takes_run_name : parent_is_traced(g_log.ppid);
    take_start_times();
    choose_path(!g_log.parent_traced);
    g_ready.store(true, std::memory_order_release);
    // Create it now: a program killed later still leaves a (partial) log, and
    // a log that cannot be created is reported at the start, not the end.
    FileLock lock;
    if (lock.held() && begin_writing()) end_writing();
}

bool log_write_record(RecordType type, std::initializer_list<Bytes> parts) {
    ReentryGuard guard;
    if (!g_ready.load(std::memory_order_acquire)) return false;
    if (g_finalized.load(std::memory_order_acquire) || check_process() != Process::Same) return false;
    FileLock lock;
    if (!lock.held()) return false;
    bool ok = begin_writing();
    if (ok) {
        write_arena();  // the stacks this record refers to, first
        sink_record(type, parts);
        ok = end_writing();
    }
    return ok;
}

std::atomic<uint64_t> g_next_checkpoint{0};

void log_checkpoint_due(uint64_t now) {
    if (!g_ready.load(std::memory_order_acquire)) return;  // asked again once it is
    uint64_t due = g_next_checkpoint.load(std::memory_order_relaxed);
    if (now < due || !g_next_checkpoint.compare_exchange_strong(due, now + kCheckpointTicks)) return;
    ErrnoKeeper keep;
    ReentryGuard guard;
    if (g_finalized.load(std::memory_order_acquire)) return;
    if (check_process() != Process::Same) return;  // the next checkpoint writes an adopted one's own log
    alloc_flush_this_thread();
    FileLock lock(false);
    if (!lock.held() || !begin_writing()) return;
    write_state();
    shimlog::ClockRecord clock{monotonic_ns(), now_ticks()};
    sink_record(RecordType::Clock, {{&clock, sizeof clock}});
    end_writing();
}

bool log_created() { return g_log.created; }

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

void log_flush(shimlog::EndReason reason, int status) {
    ReentryGuard guard;  // the shim's own writes are not the program's
    if (!g_ready.load(std::memory_order_acquire) || g_finalized.load(std::memory_order_acquire)) return;
    if (check_process() == Process::Foreign) return;
    bool final = reason != shimlog::EndReason::Exec;
    // Threads may still run: take their pending events first (each chunk
    // takes the file lock itself). Before an exec only this thread's are safe.
    if (final) {
        sampler_stop();
        alloc_flush_all();
        threads_write_alive();
    } else {
        alloc_flush_this_thread();
    }
    FileLock lock;
    if (!lock.held()) return;
    if (!begin_writing()) return;
    write_state();
    shimlog::ShimStatsRecord stats{};
    stats.alloc_events = alloc_events_recorded();
    stats.stack_checks = alloc_stacks_verified();
    stats.stack_mismatches = alloc_stacks_mismatches();
    sink_record(RecordType::ShimStats, {{&stats, sizeof stats}});
    if (reason == shimlog::EndReason::Exit) exit_scan_write();  // who still points at the live blocks
    shimlog::EndRecord end{};
    end.end_ns = monotonic_ns();
    end.end_ticks = now_ticks();
    end.exit_status = status;
    end.reason = static_cast<uint8_t>(reason);
    end.dropped = g_dropped.load(std::memory_order_relaxed);
    sink_record(RecordType::End, {{&end, sizeof end}});
    end_writing();
    // After the final End nothing more is written: a record after it would
    // make the log look unfinished.
    if (final) g_finalized.store(true, std::memory_order_release);
}

bool g_fork_holds_file_lock = false;

void log_before_fork() {
    g_fork_pending.store(true, std::memory_order_release);
    passing_before_fork();
    for (int spin = 0; g_arena_writers.load(std::memory_order_acquire) != 0 && spin < 100000; ++spin) sched_yield();
    g_fork_holds_file_lock = acquire_file_lock(true);  // no write half done in the child's copy
}

void log_after_fork_parent() {
    g_log.children++;
    if (g_fork_holds_file_lock) release_file_lock();
    g_fork_pending.store(false, std::memory_order_release);
    passing_after_fork_parent();
}

void log_after_fork_child() {
    g_file_owner.store(0);  // whoever held it is not in this process
    g_arena_writers.store(0);
    g_fork_pending.store(false);
    g_out_used = 0;
    g_out_fd = -1;
    g_finalized.store(false);
    g_log.pid = static_cast<uint32_t>(getpid());
    g_log.ppid = static_cast<uint32_t>(getppid());
    g_log.children = 0;
    g_log.parent_traced = true;
    g_log.created = false;  // created on first write; `failed` carries over
    g_arena_flushed = 0;  // the child's log needs every definition again
    passing_after_fork_child();  // but not the parent's threads
    g_dropped.store(0);
    take_start_times();
    kernel_io_start();
    set_path_for_process(false);
}

uint32_t log_pid() { return g_log.pid; }
uint64_t log_start_ticks() { return g_log.start_ticks; }
uint64_t log_start_ns() { return g_log.start_ns; }

void count_dropped() { g_dropped.fetch_add(1, std::memory_order_relaxed); }

}  // namespace shim
