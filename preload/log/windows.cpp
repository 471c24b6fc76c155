// Recording windows: their state and the requests that open and close them.
// See windows.h.
#include "windows.h"

#include <atomic>
#include <climits>
#include <cstdio>
#include <cstring>
#include <malloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../clock.h"
#include "../settings.h"
#include "control_channel.h"
#include "flush.h"

namespace shim {

namespace {

bool g_controlled = false;
bool g_windowed = false;  // SHIM_START or SHIM_PERIOD: this process records in windows
// Changed only on the sampler thread (and read by the exit's flush).
std::atomic<bool> g_open{false};
uint32_t g_index = 0;        // windows opened so far; the open one's index
shimlog::WindowRecord g_window{};
char g_first_name[PATH_MAX + 64];  // window 1's log: the others add .wN
uint32_t g_snapshots = 0;

// The bytes glibc's malloc has handed out now. Not from a signal handler.
uint64_t heap_in_use() {
    struct mallinfo2 info = mallinfo2();
    return info.uordblks + info.hblkhd;
}

void begin_window(shimlog::WindowCause cause) {
    g_window = {};
    g_window.index = g_index;
    g_window.opened_by = static_cast<uint8_t>(cause);
    g_window.start_ns = log_start_ns();
    g_window.heap_at_start = heap_in_use();
    g_open.store(true, std::memory_order_release);
}

void answer(const char* format, const char* path, uint32_t index) {
    char text[PATH_MAX + 200];
    snprintf(text, sizeof text, format, index, path);
    control_channel_answer(text);
}

// The windows' logs the shim wrote, by index (a ring): SHIM_KEEP deletes
// a name only while it is still the file written there.
constexpr uint32_t kRemembered = 1024;
struct Written {
    dev_t dev;
    ino_t ino;
};
Written g_written[kRemembered];

void window_name(uint32_t index, char* out, size_t size) {
    if (index == 1)
        snprintf(out, size, "%s", g_first_name);
    else
        snprintf(out, size, "%.*s.w%u", PATH_MAX, g_first_name, index);
}

void remember_written(uint32_t index) {
    struct stat st;
    if (stat(log_path(), &st) == 0) g_written[index % kRemembered] = {st.st_dev, st.st_ino};
}

// SHIM_KEEP=N: the window N before the one just opened goes, if it is still ours.
void forget_old_window(uint32_t opened) {
    uint32_t keep = setting_keep();
    if (keep == 0 || opened <= keep || keep >= kRemembered) return;
    uint32_t old = opened - keep;
    char path[PATH_MAX + 64];
    window_name(old, path, sizeof path);
    struct stat st;
    const Written& w = g_written[old % kRemembered];
    if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_dev == w.dev && st.st_ino == w.ino) unlink(path);
}

bool open_next(shimlog::WindowCause cause) {
    uint32_t index = g_index + 1;
    char path[PATH_MAX + 64];
    if (index == 1)
        snprintf(path, sizeof path, "%s", log_path());
    else
        window_name(index, path, sizeof path);
    if (!log_open_window(path, index)) {
        answer("error cannot write window %u's log %s\n", path, index);
        return false;
    }
    g_index = index;
    if (index == 1) snprintf(g_first_name, sizeof g_first_name, "%s", log_path());
    remember_written(index);
    begin_window(cause);
    log_set_recording(true);
    forget_old_window(index);
    return true;
}

void close_current(shimlog::WindowCause cause, void (*flush_readings)()) {
    remember_written(g_index);  // window 1 of a process started running was made before any of this
    log_set_recording(false);
    flush_readings();
    shimlog::WindowRecord window{};
    window_closing(cause, &window);
    window.heap_at_end = heap_in_use();
    log_close_window(window);
}

void start() {
    if (g_open.load(std::memory_order_acquire)) return answer("error already recording window %u: %s\n", log_path(), g_index);
    if (open_next(shimlog::WindowCause::CtlStart)) answer("ok recording window %u: %s\n", log_path(), g_index);
}

void stop(void (*flush_readings)()) {
    if (!g_open.load(std::memory_order_acquire)) return control_channel_answer("error not recording: no window is open\n");
    close_current(shimlog::WindowCause::CtlStop, flush_readings);
    answer("ok window %u complete: %s\n", log_path(), g_index);
}

// SHIM_PERIOD: the open window has lasted its period: the next one begins.
bool cut_if_due(void (*flush_readings)()) {
    uint32_t period = setting_period_s();
    if (period == 0 || !g_open.load(std::memory_order_acquire)) return false;
    if (monotonic_ns() - g_window.start_ns < uint64_t(period) * 1000000000) return false;
    close_current(shimlog::WindowCause::Period, flush_readings);
    return open_next(shimlog::WindowCause::Period);
}

void snapshot() {
    if (!g_open.load(std::memory_order_acquire))
        return control_channel_answer("error not recording: a snapshot is of an open window\n");
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%.*s.s%u", PATH_MAX, g_first_name, g_snapshots + 1);
    shimlog::WindowRecord window = g_window;
    window.closed_by = static_cast<uint8_t>(shimlog::WindowCause::Snapshot);
    window.end_ns = monotonic_ns();
    window.heap_at_end = heap_in_use();
    if (!log_write_snapshot(path, window)) return answer("error cannot write snapshot %u: %s\n", path, g_snapshots + 1);
    g_snapshots++;
    answer("ok snapshot %u complete: %s\n", path, g_snapshots);
}

void status() {
    char text[PATH_MAX + 200];
    if (g_open.load(std::memory_order_acquire))
        snprintf(text, sizeof text, "ok recording window %u for %.1f s: %s\n", g_index,
                 double(monotonic_ns() - g_window.start_ns) / 1e9, log_path());
    else if (g_index == 0)
        snprintf(text, sizeof text, "ok paused: no window yet (the first will be %s)\n", log_path());
    else
        snprintf(text, sizeof text, "ok paused: %u window%s written, the last %s\n", g_index, g_index == 1 ? "" : "s",
                 log_path());
    control_channel_answer(text);
}

}  // namespace

bool windows_init() {
    StartMode mode = setting_start_mode();
    if (mode == StartMode::Uncontrolled && setting_period_s() > 0) mode = StartMode::Running;
    if (mode == StartMode::Uncontrolled) return true;
    g_windowed = true;
    g_controlled = control_channel_open(log_pid(), log_path());
    if (mode == StartMode::Running) {
        g_index = 1;
        snprintf(g_first_name, sizeof g_first_name, "%s", log_path());
        begin_window(shimlog::WindowCause::Start);  // remembered once created (remember_written)
        return true;
    }
    log_set_recording(false);
    return false;
}

bool windows_controlled() { return g_controlled; }

bool windows_on() { return g_windowed; }

bool window_closing(shimlog::WindowCause closed_by, shimlog::WindowRecord* out) {
    bool expected = true;
    if (!g_open.compare_exchange_strong(expected, false, std::memory_order_acq_rel)) return false;
    *out = g_window;
    out->closed_by = static_cast<uint8_t>(closed_by);
    out->end_ns = monotonic_ns();
    return true;
}

bool windows_poll(void (*flush_readings)()) {
    uint32_t opened = g_index;
    cut_if_due(flush_readings);
    char request[64];
    if (!control_channel_take(request, sizeof request)) return g_index != opened;
    if (strcmp(request, "start") == 0)
        start();
    else if (strcmp(request, "stop") == 0)
        stop(flush_readings);
    else if (strcmp(request, "status") == 0)
        status();
    else if (strcmp(request, "snapshot") == 0)
        snapshot();
    else
        control_channel_answer("error unknown request (start, stop, snapshot or status)\n");
    return g_index != opened;
}

void windows_at_exit() { control_channel_close(); }

void windows_after_fork_child() {
    control_channel_forget();  // the parent's files
    g_controlled = false;
    bool was_open = g_open.load(std::memory_order_relaxed);
    g_open.store(false, std::memory_order_relaxed);
    g_index = 0;
    g_snapshots = 0;
    memset(g_written, 0, sizeof g_written);  // the parent's windows are never the child's to delete
    if (!g_windowed) return;
    // A worker forked by a controlled server is controlled by its own pid,
    // windows named after its own log; it goes on as its parent was.
    g_controlled = control_channel_open(log_pid(), log_path());
    if (was_open) {
        g_index = 1;
        snprintf(g_first_name, sizeof g_first_name, "%s", log_path());
        begin_window(shimlog::WindowCause::Fork);
    }
}

}  // namespace shim
