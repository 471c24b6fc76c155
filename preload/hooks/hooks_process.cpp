// The process's life: start, exit in all its forms, exec and fork. The log is
// written at every way out; a fork child starts its own log.
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <linux/sched.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../record/cpu_profile.h"
#include "../record/alloc_events.h"
#include "interpose.h"
#include "../record/io_stats.h"
#include "../record/kernel_io.h"
#include "../record/stdio_streams.h"
#include "loader_gate.h"
#include "../log/flush.h"
#include "../log/windows.h"
#include "../record/sampler.h"
#include "../record/threads.h"
#include "../record/waits.h"
#include "../record/unwinder_pipe.h"

using shim::RealFunction;
using shimlog::EndReason;

namespace shim {
void signals_init();     // hooks_signal.cpp
void check_allocator();  // allocator_check.cpp
}

namespace {

// Set in the environment only across an exec, so the new image knows it
// continues a traced process (same pid) and must not take the run's log name.
// Read and removed in `environ` itself, never through getenv/setenv/unsetenv:
// a program may define its own (bash does, keeping its own table), and with
// bash's unsetenv the marker stayed and every child took it for its own.
constexpr char kExecMarker[] = "SHIM_EXEC_PID";

bool is_marker(const char* entry) {
    return strncmp(entry, kExecMarker, sizeof kExecMarker - 1) == 0 && entry[sizeof kExecMarker - 1] == '=';
}

// The marker's value, taken out of the environment; null if there is none.
const char* take_marker() {
    if (environ == nullptr) return nullptr;
    const char* value = nullptr;
    char** out = environ;
    for (char** in = environ; *in != nullptr; ++in) {
        if (value == nullptr && is_marker(*in)) {
            value = *in + sizeof kExecMarker;
            continue;
        }
        *out++ = *in;
    }
    *out = nullptr;
    return value;
}

// "<pid>[:first]" from the image before this one: an exec keeps the pid, so a
// marker with another pid was copied along by a program and is not ours.
bool marker_is_ours(const char* value) {
    char* end = nullptr;
    unsigned long pid = strtoul(value, &end, 10);
    return end != value && pid == static_cast<unsigned long>(getpid());
}

// exit()'s status reaches us through on_exit. Registered from our constructor,
// which runs before the program's start-up registers the loader's destructor
// pass, our handler runs last of all: after every destructor, the moment to
// write the log.

uint64_t g_allocs_at_fork = 0;

void write_log_at_exit(int status, void*) { shim::log_flush(EndReason::Exit, status); }

// No walk of the loader's list under way at fork (loader_gate.h), then the log's own state.
void fork_prepare() {
    shim::loader_walks_before_fork();
    shim::log_before_fork();
}

void fork_parent() {
    shim::log_after_fork_parent();
    shim::loader_walks_after_fork(false);
}

void fork_child() {
    shim::loader_walks_after_fork(true);
    shim::forget_thread_id();  // the forking thread has a new id in the child
    g_allocs_at_fork = shim::alloc_events_recorded();
    shim::log_after_fork_child();
    shim::io_after_fork_child();
    shim::waits_after_fork_child();
    shim::alloc_after_fork_child();
    shim::threads_after_fork_child();
    shim::sampler_after_fork_child();
    shim::cpu_profile_after_fork_child();
    // A worker of a controlled server answers ctl by its own pid (windows.h).
    if (shim::windows_controlled()) shim::sampler_start(true);
}

// A new process made by syscall(SYS_clone/clone3/fork) is a fork that runs no
// atfork handler: without ours it would write into its parent's log. Only a
// copy of our memory that goes on on the same stack counts (no CLONE_VM, no
// new stack): anything else is a thread, a vfork or a program's own trick.
bool is_fork_like(long number, const long* args) {
    constexpr unsigned long kShares = CLONE_VM | CLONE_THREAD;
    if (number == SYS_fork) return true;
    if (number == SYS_clone) return !(static_cast<unsigned long>(args[0]) & kShares) && args[1] == 0;
    if (number == SYS_clone3 && args[0] != 0 && static_cast<size_t>(args[1]) >= 48) {
        const auto* clone = reinterpret_cast<const clone_args*>(args[0]);
        return !(clone->flags & kShares) && clone->stack == 0;
    }
    return false;
}

// vfork children share our memory: they must not touch the log.
bool is_vfork_child() { return static_cast<uint32_t>(getpid()) != shim::log_pid(); }

// Writes the log before the image is replaced and makes the marker for the
// next image's environment: "SHIM_EXEC_PID=<pid>[:first|:child]".
constexpr size_t kMarkerBytes = 64;
bool g_handed_name = false;

void before_exec(char (&marker)[kMarkerBytes]) {
    // A vfork child (a shell's way to start a command) shares our memory: it
    // writes no log and hands on no name. Its marker, with its own pid, tells
    // the new image that its parent is traced: it need not read the parent's
    // environment and maps to find out (/proc, ~40 us a process).
    if (is_vfork_child()) {
        snprintf(marker, sizeof marker, "%s=%u:child", kExecMarker, static_cast<unsigned>(getpid()));
        return;
    }
    // A fork child that did nothing worth a log before exec (the usual
    // fork-then-exec) leaves the name to the program it becomes.
    if (shim::log_created() || shim::io_calls_recorded() > 0 || shim::alloc_events_recorded() > g_allocs_at_fork)
        shim::log_flush(EndReason::Exec, 0);
    // The run's first process hands log.bin on to what it becomes (env, nice,
    // a shell's exec, a launcher script): the program the user meant gets it.
    g_handed_name = shim::log_hand_over_name();
    snprintf(marker, sizeof marker, "%s=%u%s", kExecMarker, shim::log_pid(), g_handed_name ? ":first" : "");
}

// The exec failed: the program goes on, and so does recording.
void after_failed_exec() {
    if (is_vfork_child()) return;
    shim::ErrnoKeeper keep;
    if (g_handed_name) shim::log_take_name_back();
}

// The new image's environment: the program's, without any marker it carries,
// and with ours (in a copy on the stack).
constexpr int kMaxEnv = 4096;
const char* const* with_marker(char* const envp[], const char* marker, const char** copy) {
    int n = 0, seen = 0;
    for (; envp != nullptr && envp[seen] != nullptr && n < kMaxEnv - 2; ++seen)
        if (!is_marker(envp[seen])) copy[n++] = envp[seen];
    if (envp != nullptr && envp[seen] != nullptr) return envp;  // too large: leave it alone
    copy[n++] = marker;
    copy[n] = nullptr;
    return copy;
}

}  // namespace

__attribute__((constructor)) static void shim_start() {
    shim::ReentryGuard guard;
    const char* marker = take_marker();
    bool continues_exec = marker != nullptr && marker_is_ours(marker);
    bool takes_run_name = continues_exec && strstr(marker, ":first") != nullptr;
    shim::log_init(continues_exec, takes_run_name);
    shim::io_init();
    shim::alloc_init();
    shim::threads_init();
    shim::waits_init();
    shim::signals_init();
    shim::check_allocator();
    pthread_atfork(fork_prepare, fork_parent, fork_child);
    shim::log_on_new_process(fork_child);  // a clone that bypassed the hook below
    on_exit(write_log_at_exit, nullptr);
    shim::stdio_streams_init();
    shim::kernel_io_start();  // last: the shim's own start-up I/O (loading libunwind) is not counted
    // A controlled process answers analyzer ctl from its sampler thread, single-threaded or not.
    if (shim::windows_controlled()) shim::sampler_start();
}


extern "C" {
#pragma GCC visibility push(default)  // the hooks: what the program links to

long syscall(long number, ...) {
    static RealFunction<long (*)(long, ...)> real("syscall");
    long args[6];
    va_list list;
    va_start(list, number);
    for (long& arg : args) arg = va_arg(list, long);  // as glibc's own: six words, used or not
    va_end(list);
    if (!is_fork_like(number, args)) {
        long result = real.get()(number, args[0], args[1], args[2], args[3], args[4], args[5]);
        // libunwind's memory check writes with syscall(): the shim's, not the program's.
        if (number == SYS_write && shim::called_from_unwinder(__builtin_return_address(0))) {
            shim::ErrnoKeeper keep;
            shim::kernel_io_count_own(true, result);
        }
        return result;
    }
    shim::log_before_fork();
    long result = real.get()(number, args[0], args[1], args[2], args[3], args[4], args[5]);
    shim::ErrnoKeeper keep;
    if (result == 0)
        fork_child();
    else
        shim::log_after_fork_parent();
    return result;
}

void _exit(int status) {
    static RealFunction<void (*)(int)> real("_exit");
    if (!is_vfork_child()) shim::log_flush(EndReason::QuickExit, status);
    real.get()(status);
    __builtin_unreachable();
}

void _Exit(int status) {
    static RealFunction<void (*)(int)> real("_Exit");
    if (!is_vfork_child()) shim::log_flush(EndReason::QuickExit, status);
    real.get()(status);
    __builtin_unreachable();
}

// execv and execvp are execve and execvpe with `environ`: so they become,
// with the marker added to a copy of it.
int execv(const char* path, char* const argv[]) { return execve(path, argv, environ); }

int execvp(const char* file, char* const argv[]) { return execvpe(file, argv, environ); }

int execve(const char* path, char* const argv[], char* const envp[]) {
    static RealFunction<int (*)(const char*, char* const*, char* const*)> real("execve");
    char marker[kMarkerBytes];
    before_exec(marker);
    const char* copy[kMaxEnv];
    int result = real.get()(path, argv, const_cast<char* const*>(with_marker(envp, marker, copy)));
    after_failed_exec();
    return result;
}

int execvpe(const char* file, char* const argv[], char* const envp[]) {
    static RealFunction<int (*)(const char*, char* const*, char* const*)> real("execvpe");
    char marker[kMarkerBytes];
    before_exec(marker);
    const char* copy[kMaxEnv];
    int result = real.get()(file, argv, const_cast<char* const*>(with_marker(envp, marker, copy)));
    after_failed_exec();
    return result;
}

int fexecve(int fd, char* const argv[], char* const envp[]) {
    static RealFunction<int (*)(int, char* const*, char* const*)> real("fexecve");
    char marker[kMarkerBytes];
    before_exec(marker);
    const char* copy[kMaxEnv];
    int result = real.get()(fd, argv, const_cast<char* const*>(with_marker(envp, marker, copy)));
    after_failed_exec();
    return result;
}

#pragma GCC visibility pop
}  // extern "C"

// execl, execlp and execle gather their arguments and go through the hooks above.
namespace {
constexpr int kMaxArgs = 4096;

int collect_args(const char* arg0, va_list args, const char** argv) {
    int n = 0;
    for (const char* arg = arg0; arg != nullptr; arg = va_arg(args, const char*)) {
        if (n == kMaxArgs - 1) {
            errno = E2BIG;
            return -1;
        }
        argv[n++] = arg;
    }
    argv[n] = nullptr;
    return n;
}
}  // namespace

extern "C" {
#pragma GCC visibility push(default)  // the hooks: what the program links to

int execl(const char* path, const char* arg0, ...) {
    const char* argv[kMaxArgs];
    va_list args;
    va_start(args, arg0);
    int n = collect_args(arg0, args, argv);
    va_end(args);
    return n < 0 ? -1 : execv(path, const_cast<char* const*>(argv));
}

int execlp(const char* file, const char* arg0, ...) {
    const char* argv[kMaxArgs];
    va_list args;
    va_start(args, arg0);
    int n = collect_args(arg0, args, argv);
    va_end(args);
    return n < 0 ? -1 : execvp(file, const_cast<char* const*>(argv));
}

int execle(const char* path, const char* arg0, ...) {
    const char* argv[kMaxArgs];
    va_list args;
    va_start(args, arg0);
    int n = collect_args(arg0, args, argv);
    char* const* envp = n < 0 ? nullptr : va_arg(args, char* const*);
    va_end(args);
    return n < 0 ? -1 : execve(path, const_cast<char* const*>(argv), envp);
}

#pragma GCC visibility pop
}  // extern "C"
