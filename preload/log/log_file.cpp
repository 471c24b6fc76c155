// Creating, re-opening and writing the log file. See log_file.h.
#include "log_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../format/log_format.h"
#include "../shim_messages.h"
#include "output_buffer.h"
#include "proc_files.h"
#include "record_sink.h"

namespace shim {

LogFile g_log;

namespace {

using shimlog::RecordType;

int saved_errno_ = 0;  // the program's errno, put back after each write
uint64_t taken_at_begin_ = 0;  // out_taken() when this write began

void write_process_record() {
    const char* exe = self_exe_path();
    size_t exe_len = strlen(exe);
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
                                      {exe, exe_len},
                                      {cmdline, cmdline_len}});
}

// The run's first process: a fresh temporary file renamed over the run's
// name, so an old log.bin (or a symlink planted there) is replaced, never
// written through.
int create_replacing_run_name() {
    char tmp[PATH_MAX + 128];
    snprintf(tmp, sizeof tmp, "%s.%u.tmp", g_log.path, g_log.pid);
    int fd = ::open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    if (rename(tmp, g_log.path) != 0) {
        int saved = errno;
        ::close(fd);
        unlink(tmp);
        errno = saved;
        return -1;
    }
    return fd;
}

// Creates the log without following a symlink or writing into a file we did
// not make. Later processes create a name no other holds in place: one
// directory operation, not a temporary file's three (a shell loop's cost).
int create_log() {
    bool own_name = g_log.parent_traced && g_log.window <= 1;  // a window's name (windows.h) is this process's alone
    int fd = own_name ? create_under_own_name() : create_replacing_run_name();
    if (fd < 0) return -1;
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
    g_log.bytes = 0;
    taken_at_begin_ = out_taken();
    out_set_fd(fd);
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

}  // namespace

bool begin_writing() {
    if (g_log.failed) return false;
    saved_errno_ = errno;
    taken_at_begin_ = out_taken();
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
    out_set_fd(fd);
    return true;
}

bool end_writing() {
    g_log.bytes += out_taken() - taken_at_begin_;
    out_drain();
    if (out_fd() >= 0) ::close(out_fd());
    out_set_fd(-1);
    errno = saved_errno_;
    return !g_log.failed;
}

bool log_created() { return g_log.created; }
uint32_t log_pid() { return g_log.pid; }
uint64_t log_start_ticks() { return g_log.start_ticks; }
uint64_t log_start_ns() { return g_log.start_ns; }

}  // namespace shim
