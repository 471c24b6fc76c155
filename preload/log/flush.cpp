// The flush: the only part of the shim that knows every recorder. See flush.h.
#include "flush.h"

#include <atomic>
#include <cerrno>
#include <climits>
#include <fcntl.h>
#include <cstdio>
#include <cstring>
#include <linux/kcmp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../clock.h"
#include "../hooks/interpose.h"
#include "../hooks/malloc_entry.h"
#include "../record/alloc_events.h"
#include "../record/alloc_sampling.h"
#include "../record/alloc_stacks.h"
#include "../record/cpu_profile.h"
#include "../record/exit_scan.h"
#include "../record/io_stats.h"
#include "../record/kernel_io.h"
#include "../record/live_blocks.h"
#include "../record/modules.h"
#include "../record/recording.h"
#include "../record/sampler.h"
#include "../record/threads.h"
#include "../record/waits.h"
#include "../settings.h"
#include "arena.h"
#include "budget.h"
#include "file_lock.h"
#include "log_file.h"
#include "output_buffer.h"
#include "passing_records.h"
#include "proc_files.h"
#include "windows.h"

namespace shim {
namespace {

using shimlog::RecordType;

std::atomic<bool> g_finalized{false};
// Set once log_init chose the path. Hooks can run before the shim's
// constructor (another library's constructor allocates: LLVM's tools do);
// until then nothing is written, and nothing is taken for a failure.
std::atomic<bool> g_ready{false};
// Checkpoints put what is known on disk about once a second, so a SIGKILL
// loses at most that much. In ticks: ~0.7 s at 3 GHz, ~1 s at 2 GHz.
constexpr uint64_t kCheckpointTicks = uint64_t(1) << 31;

// Copies the arena's complete records, then the passing ones (passing_records.h).
void write_arena() {
    arena_write_out(out_write);
    passing_write_out(out_write);
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

void take_start_times() {
    g_log.start_realtime_ns = realtime_ns();
    g_log.start_ns = monotonic_ns();
    g_log.start_ticks = now_ticks();
    g_next_checkpoint.store(g_log.start_ticks + kCheckpointTicks);
}

void (*g_new_process_handler)() = nullptr;

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
    waits_write_totals();
    kernel_io_write_record();
    sampling_write_counts();
    budget_write_record();
}

bool g_fork_holds_file_lock = false;

// The records that end a window's log, or a snapshot of one.
void write_window_end(const shimlog::ShimStatsRecord& stats, const shimlog::WindowRecord& window,
                      shimlog::EndReason reason) {
    sink_record(RecordType::ShimStats, {{&stats, sizeof stats}});
    sink_record(RecordType::Window, {{&window, sizeof window}});
    shimlog::EndRecord end{};
    end.end_ns = window.end_ns;
    end.end_ticks = now_ticks();
    end.reason = static_cast<uint8_t>(reason);
    end.dropped = g_dropped.load(std::memory_order_relaxed);
    sink_record(RecordType::End, {{&end, sizeof end}});
}

}  // namespace

namespace {

// Only windows need the blocks live at a cut; a sample knows too few of them.
void enable_live_blocks_for_windows() {
    if (windows_on() && setting_alloc_sample_bytes() == 0) live_blocks_enable();
}

}  // namespace

void log_on_new_process(void (*handler)()) { g_new_process_handler = handler; }

std::atomic<bool> g_recording{true};

void log_set_recording(bool on) {
    g_waits_on.store(on && setting_waits() ? 1 : 0, std::memory_order_relaxed);
    g_recording.store(on, std::memory_order_seq_cst);
    malloc_entry_retarget();
}

void log_init(bool continues_exec, bool takes_run_name) {
    ReentryGuard guard;  // reading /proc is the shim's business, not the program's
    // A budget's sampling records a sample of the frees too: the live-block
    // table cannot follow from then on, and its lists say so (for good).
    auto budget_sampling_begin = [](uint64_t mean_bytes) {
        live_blocks_note_sampled();
        sampling_begin(mean_bytes);
    };
    budget_connect({sampling_on, budget_sampling_begin, sampling_restore, alloc_sequence_now, alloc_bytes_pending});
    g_log.pid = static_cast<uint32_t>(getpid());
    g_log.ppid = static_cast<uint32_t>(getppid());
    g_log.parent_traced = continues_exec ? !takes_run_name : parent_is_traced(g_log.ppid);
    take_start_times();
    choose_path(!g_log.parent_traced);
    bool running = windows_init();
    enable_live_blocks_for_windows();
    if (!running) {  // SHIM_START=paused: no log until analyzer ctl start
        live_blocks_note_pause();
        return;
    }
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
    if (budget_refuses(type, parts)) return true;  // counted in the Budget record, not dropped
    bool ok = begin_writing();
    if (ok) {
        write_arena();  // the stacks this record refers to, first
        sink_record(type, parts);
        ok = end_writing();
        budget_after_write(g_log.bytes);
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
    cpu_profile_write(false);
    waits_write_chunks(false);
    if (budget_stopped()) return;  // the window's end writes the state once more
    FileLock lock(false);
    if (!lock.held() || !begin_writing()) return;
    write_state();
    shimlog::ClockRecord clock{monotonic_ns(), now_ticks()};
    sink_record(RecordType::Clock, {{&clock, sizeof clock}});
    end_writing();
    budget_after_write(g_log.bytes);
}

void log_flush(shimlog::EndReason reason, int status) {
    ReentryGuard guard;  // the shim's own writes are not the program's
    if (reason != shimlog::EndReason::Exec && windows_controlled()) windows_at_exit();
    if (!g_ready.load(std::memory_order_acquire) || g_finalized.load(std::memory_order_acquire)) return;
    if (check_process() == Process::Foreign) return;
    bool final = reason != shimlog::EndReason::Exec;
    // Threads may still run: take their pending events first (each chunk
    // takes the file lock itself). Before an exec only this thread's are safe.
    if (final) {
        sampler_stop();
        cpu_profile_write(true);
        waits_write_chunks(true);
        alloc_flush_all();
        threads_write_alive();
    } else {
        alloc_flush_this_thread();
        cpu_profile_write(true);
        waits_write_chunks(false);
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
    shimlog::WindowRecord window{};
    if (final && window_closing(shimlog::WindowCause::ProcessEnd, &window))
        sink_record(RecordType::Window, {{&window, sizeof window}});
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

void log_close_window(const shimlog::WindowRecord& window) {
    ReentryGuard guard;
    if (!g_ready.load(std::memory_order_acquire) || g_finalized.load(std::memory_order_acquire)) return;
    if (check_process() != Process::Same) return;
    // Recording is off already: what the threads hold is this window's.
    cpu_profile_write(true);
    waits_write_chunks(true);
    alloc_flush_all();
    live_blocks_settle();  // every event up to the close is in the table now
    // Closed by ctl stop: a pause follows, whose events the table never sees.
    if (window.closed_by == static_cast<uint8_t>(shimlog::WindowCause::CtlStop)) live_blocks_note_pause();
    threads_write_alive();
    FileLock lock;
    if (!lock.held()) return;
    if (begin_writing()) {
        write_state();
        shimlog::ShimStatsRecord stats{};
        stats.alloc_events = alloc_events_recorded();
        stats.stack_checks = alloc_stacks_verified();
        stats.stack_mismatches = alloc_stacks_mismatches();
        write_window_end(stats, window, shimlog::EndReason::WindowClosed);
        end_writing();
    }
    // Until the next window opens nothing is written (log_write_record,
    // checkpoints and the exit's flush all wait for g_ready).
    g_ready.store(false, std::memory_order_release);
}

bool log_open_window(const char* path, uint32_t index) {
    ReentryGuard guard;
    if (g_finalized.load(std::memory_order_acquire) || g_log.failed) return false;
    FileLock lock;
    if (!lock.held()) return false;
    // Every figure starts again from 0; the definitions are written again.
    alloc_discard_written();
    io_reset_counters();
    waits_reset_counters();
    sampling_after_fork_child();
    budget_window_start();
    kernel_io_start();
    arena_write_all_again();
    g_dropped.store(0, std::memory_order_relaxed);
    snprintf(g_log.path, sizeof g_log.path, "%s", path);
    g_log.window = index;
    g_log.created = false;
    take_start_times();
    g_ready.store(true, std::memory_order_release);
    bool ok = begin_writing();
    if (ok) {
        // The blocks live at the window's start, after the stacks they name.
        write_arena();
        live_blocks_write();
    }
    ok = ok && end_writing();
    return ok && g_log.created;
}

namespace {

// Copies the window's log as it is on disk to a new file `to` (not
// following a symlink, never replacing a file); its descriptor, or -1.
int copy_log(const char* to) {
    int in = ::open(g_log.path, O_RDONLY | O_CLOEXEC);
    if (in < 0) return -1;
    int out = ::open(to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    static char buffer[64 * 1024];  // only under the file lock
    bool ok = out >= 0;
    for (ssize_t got; ok && (got = ::read(in, buffer, sizeof buffer)) != 0;)
        ok = got > 0 && ::write(out, buffer, size_t(got)) == got;
    ::close(in);
    if (ok) return out;
    if (out >= 0) {
        ::close(out);
        unlink(to);
    }
    return -1;
}

}  // namespace

bool log_write_snapshot(const char* path, const shimlog::WindowRecord& window) {
    ReentryGuard guard;
    if (!g_ready.load(std::memory_order_acquire) || g_finalized.load(std::memory_order_acquire)) return false;
    if (check_process() != Process::Same) return false;
    cpu_profile_write(true);  // the CPU samples and waits so far go to the window's log first
    waits_write_chunks(true);
    FileLock lock;
    if (!lock.held()) return false;
    // The window's log gets every definition so far; the copy starts from it.
    if (!begin_writing()) return false;
    write_state();
    if (!end_writing()) return false;
    char tmp[PATH_MAX + 128];
    snprintf(tmp, sizeof tmp, "%s.%u.tmp", path, g_log.pid);
    int saved_errno = errno;
    int fd = copy_log(tmp);
    if (fd < 0) {
        errno = saved_errno;
        return false;
    }
    // What is still in memory, to the copy alone: the window goes on with it.
    out_set_fd(fd);
    alloc_write_pending_direct();
    threads_write_alive(true);
    shimlog::ShimStatsRecord stats{};
    stats.alloc_events = alloc_events_recorded();
    write_window_end(stats, window, shimlog::EndReason::Snapshot);
    out_drain();
    out_set_fd(-1);
    bool ok = ::close(fd) == 0 && rename(tmp, path) == 0;
    if (!ok) unlink(tmp);
    errno = saved_errno;
    return ok;
}

const char* log_path() { return g_log.path; }

void log_before_fork() {
    arena_hold_writers();
    passing_before_fork();
    arena_wait_for_writers();
    g_fork_holds_file_lock = acquire_file_lock(true);  // no write half done in the child's copy
}

void log_after_fork_parent() {
    g_log.children++;
    if (g_fork_holds_file_lock) release_file_lock();
    arena_release_writers();
    passing_after_fork_parent();
}

void log_after_fork_child() {
    file_lock_after_fork_child();  // whoever held it is not in this process
    arena_after_fork_child();      // the child's log needs every definition again
    out_after_fork_child();
    g_finalized.store(false);
    g_log.pid = static_cast<uint32_t>(getpid());
    g_log.ppid = static_cast<uint32_t>(getppid());
    g_log.children = 0;
    g_log.parent_traced = true;
    g_log.created = false;  // created on first write; `failed` carries over
    g_log.window = 0;
    live_blocks_after_fork_child();  // the parent's list: the child's starts empty
    passing_after_fork_child();  // but not the parent's threads
    g_dropped.store(0);
    budget_window_start();
    take_start_times();
    kernel_io_start();
    set_path_for_process(false);
    windows_after_fork_child();
    enable_live_blocks_for_windows();
}

}  // namespace shim
