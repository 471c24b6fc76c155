// The SHIM_* settings. See settings.h.
#include "settings.h"

#include <atomic>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "shim_messages.h"

namespace shim {

namespace settings_parse {

// Leaves room for ".<pid>" and the temporary name's ".<pid>.tmp".
constexpr size_t kMaxLogNameBytes = PATH_MAX - 32;

bool log_name_too_long(const char* text) { return text != nullptr && strlen(text) >= kMaxLogNameBytes; }

uint32_t stack_verify_every(const char* text, bool* bad) {
    *bad = false;
    if (text == nullptr || *text == '\0') return 0;
    char* end = nullptr;
    unsigned long every = strtoul(text, &end, 10);
    if (*end == '\0' && every > 0 && every <= UINT32_MAX) return static_cast<uint32_t>(every);
    *bad = true;
    return 0;
}

uint64_t alloc_sample_bytes(const char* text, bool* bad) {
    *bad = false;
    if (text == nullptr || *text == '\0') return 0;
    char* end = nullptr;
    unsigned long long bytes = strtoull(text, &end, 10);
    if (*end != '\0' || bytes == 0 || bytes > (1ull << 40)) {
        *bad = true;
        return 0;
    }
    return bytes;
}

uint32_t sample_interval_us(const char* text, bool* bad) {
    *bad = false;
    if (text == nullptr || *text == '\0') return kDefaultSampleIntervalUs;
    char* end = nullptr;
    unsigned long us = strtoul(text, &end, 10);
    if (*end != '\0' || us < 100 || us > kMaxSampleIntervalUs) {
        *bad = true;
        return kDefaultSampleIntervalUs;
    }
    return static_cast<uint32_t>(us);
}

bool direct_syscalls(const char* text, bool* bad) {
    bool disabled = text != nullptr && strcmp(text, "0") == 0;
    *bad = text != nullptr && !disabled && strcmp(text, "1") != 0;
    return !disabled;
}

bool waits(const char* text, bool* bad) { return direct_syscalls(text, bad); }  // same 0/1 rule

uint32_t cpu_hz(const char* text, bool* bad) {
    *bad = false;
    if (text == nullptr || *text == '\0') return kDefaultCpuHz;
    char* end = nullptr;
    unsigned long hz = strtoul(text, &end, 10);
    if (*end != '\0' || hz > kMaxCpuHz || text[0] == '-') {
        *bad = true;
        return kDefaultCpuHz;
    }
    return static_cast<uint32_t>(hz);
}

// The signals a program's timers or job control may mean something by are
// refused: only SIGPROF, SIGVTALRM and the real-time ones.
int cpu_signal(const char* text, bool* bad) {
    *bad = false;
    if (text == nullptr || *text == '\0') return SIGPROF;
    if (strncmp(text, "SIG", 3) == 0) text += 3;
    if (strcmp(text, "PROF") == 0) return SIGPROF;
    if (strcmp(text, "VTALRM") == 0) return SIGVTALRM;
    char* end = nullptr;
    long number = -1;
    if (strncmp(text, "RTMIN+", 6) == 0) {
        long offset = strtol(text + 6, &end, 10);
        if (end != text + 6 && *end == '\0' && offset >= 0) number = SIGRTMIN + offset;
    } else if (text[0] >= '0' && text[0] <= '9') {
        number = strtol(text, &end, 10);
        if (*end != '\0') number = -1;
    }
    bool allowed = number == SIGPROF || number == SIGVTALRM || (number >= SIGRTMIN && number <= SIGRTMAX);
    if (!allowed) {
        *bad = true;
        return SIGPROF;
    }
    return static_cast<int>(number);
}

bool no_task_io(const char* text) { return text != nullptr && *text == '1'; }

namespace {
uint32_t number_up_to(const char* text, bool* bad, unsigned long most) {
    *bad = false;
    if (text == nullptr || *text == '\0') return 0;
    char* end = nullptr;
    unsigned long n = strtoul(text, &end, 10);
    if (*end != '\0' || text[0] == '-' || n > most) {
        *bad = true;
        return 0;
    }
    return static_cast<uint32_t>(n);
}
}  // namespace

uint32_t period_s(const char* text, bool* bad) { return number_up_to(text, bad, 86400); }
uint32_t keep(const char* text, bool* bad) { return number_up_to(text, bad, 1000000); }

uint32_t max_log_mb(const char* text, bool periodic, bool* bad) {
    uint32_t fallback = periodic ? kDefaultPeriodicLogMb : 0;
    if (text == nullptr || *text == '\0') {
        *bad = false;
        return fallback;
    }
    uint32_t mb = number_up_to(text, bad, kMaxLogMb);
    return *bad ? fallback : mb;
}

StartMode start_mode(const char* text, bool* bad) {
    *bad = false;
    if (text == nullptr || *text == '\0') return StartMode::Uncontrolled;
    if (strcmp(text, "paused") == 0) return StartMode::Paused;
    if (strcmp(text, "running") == 0) return StartMode::Running;
    *bad = true;
    return StartMode::Uncontrolled;
}

}  // namespace settings_parse

namespace {

// A setting once read: -1 until then. Hooks may race to read one first; the
// thread that publishes it says a bad value, so it is said once.
template <typename Parse, typename Complain>
int64_t read_once(std::atomic<int64_t>& slot, const char* name, Parse parse, Complain complain) {
    int64_t known = slot.load(std::memory_order_acquire);
    if (known >= 0) return known;
    const char* text = getenv(name);
    bool bad = false;
    int64_t value = parse(text, &bad);
    int64_t expected = -1;
    if (!slot.compare_exchange_strong(expected, value, std::memory_order_acq_rel)) return expected;
    if (bad) complain(text);
    return value;
}

std::atomic<int64_t> g_stack_verify{-1};
std::atomic<int64_t> g_alloc_sample{-1};
std::atomic<int64_t> g_sample_interval{-1};
std::atomic<int64_t> g_direct_syscalls{-1};
std::atomic<int64_t> g_waits{-1};
std::atomic<int64_t> g_cpu_hz{-1};
std::atomic<int64_t> g_cpu_signal{-1};
std::atomic<int64_t> g_no_task_io{-1};
std::atomic<int64_t> g_start_mode{-1};
std::atomic<int64_t> g_period_s{-1};
std::atomic<int64_t> g_keep{-1};
std::atomic<int64_t> g_max_log_mb{-1};

// SHIM_LOG, copied: the program may change its environment later.
std::atomic<int> g_log_name_state{0};  // 0 unread, 1 being read, 2 read
char g_log_name[PATH_MAX];  // zeroed (bss): no page of it in the file to map
bool g_log_name_too_long = false;

}  // namespace

const char* setting_log_name() {
    int state = 0;
    if (g_log_name_state.compare_exchange_strong(state, 1, std::memory_order_acq_rel)) {
        const char* configured = getenv("SHIM_LOG");
        if (settings_parse::log_name_too_long(configured)) {
            // Not log.bin instead: a file the user did not name, perhaps another run's.
            char shown[kShownPathBytes];
            say("SHIM_LOG=%s is longer than %d bytes: no log (the program runs on, untraced)",
                shown_path(configured, shown, sizeof shown), PATH_MAX - 32);
            g_log_name_too_long = true;
        } else {
            bool named = configured != nullptr && configured[0] != '\0';
            snprintf(g_log_name, sizeof g_log_name, "%s", named ? configured : "log.bin");
        }
        g_log_name_state.store(2, std::memory_order_release);
    } else {
        while (g_log_name_state.load(std::memory_order_acquire) != 2) {
        }
    }
    return g_log_name_too_long ? nullptr : g_log_name;
}

uint32_t setting_stack_verify_every() {
    return static_cast<uint32_t>(read_once(g_stack_verify, "SHIM_STACK_VERIFY", settings_parse::stack_verify_every,
                                           [](const char* text) {
                                               say("SHIM_STACK_VERIFY=%s is not a positive number; not verifying",
                                                   text);
                                           }));
}

uint64_t setting_alloc_sample_bytes() {
    return static_cast<uint64_t>(read_once(g_alloc_sample, "SHIM_ALLOC_SAMPLE", settings_parse::alloc_sample_bytes,
                                           [](const char* text) {
                                               say("SHIM_ALLOC_SAMPLE=%s is not a number of bytes (1 to 2^40); "
                                                   "recording every allocation",
                                                   text);
                                           }));
}

uint32_t setting_sample_interval_us() {
    return static_cast<uint32_t>(read_once(g_sample_interval, "SHIM_SAMPLE_US", settings_parse::sample_interval_us,
                                           [](const char* text) {
                                               say("SHIM_SAMPLE_US=%s is not between 100 and %u; using %u", text,
                                                   kMaxSampleIntervalUs, kDefaultSampleIntervalUs);
                                           }));
}

bool setting_direct_syscalls() {
    return read_once(g_direct_syscalls, "SHIM_DIRECT_SYSCALLS", settings_parse::direct_syscalls,
                     [](const char* text) { say("SHIM_DIRECT_SYSCALLS=%s is neither 0 nor 1; using 1", text); }) == 1;
}

StartMode setting_start_mode() {
    return static_cast<StartMode>(read_once(
        g_start_mode, "SHIM_START",
        [](const char* text, bool* bad) { return static_cast<int64_t>(settings_parse::start_mode(text, bad)); },
        [](const char* text) { say("SHIM_START=%s is neither paused nor running: no control, recording as usual", text); }));
}

uint32_t setting_period_s() {
    return static_cast<uint32_t>(read_once(g_period_s, "SHIM_PERIOD", settings_parse::period_s, [](const char* text) {
        say("SHIM_PERIOD=%s is not a number of seconds from 0 to 86400; no periodic windows", text);
    }));
}

uint32_t setting_keep() {
    return static_cast<uint32_t>(read_once(g_keep, "SHIM_KEEP", settings_parse::keep, [](const char* text) {
        say("SHIM_KEEP=%s is not a number of windows; every window is kept", text);
    }));
}

uint64_t setting_max_log_bytes() {
    bool periodic = setting_period_s() != 0;
    int64_t mb = read_once(
        g_max_log_mb, "SHIM_MAX_LOG_MB",
        [periodic](const char* text, bool* bad) { return settings_parse::max_log_mb(text, periodic, bad); },
        [periodic](const char* text) {
            if (periodic)
                say("SHIM_MAX_LOG_MB=%s is not a number of MiB (0 to %u); each window's log may take %u MiB", text,
                    kMaxLogMb, kDefaultPeriodicLogMb);
            else
                say("SHIM_MAX_LOG_MB=%s is not a number of MiB (0 to %u); the log has no budget", text, kMaxLogMb);
        });
    return static_cast<uint64_t>(mb) << 20;
}

bool setting_waits() {
    return read_once(g_waits, "SHIM_WAITS", settings_parse::waits,
                     [](const char* text) { say("SHIM_WAITS=%s is neither 0 nor 1; using 1", text); }) == 1;
}

uint32_t setting_cpu_hz() {
    return static_cast<uint32_t>(read_once(g_cpu_hz, "SHIM_CPU_HZ", settings_parse::cpu_hz, [](const char* text) {
        say("SHIM_CPU_HZ=%s is not a number of samples a second (0 to %u); using %u", text, kMaxCpuHz,
            kDefaultCpuHz);
    }));
}

int setting_cpu_signal() {
    return static_cast<int>(read_once(g_cpu_signal, "SHIM_CPU_SIGNAL", settings_parse::cpu_signal, [](const char* text) {
        say("SHIM_CPU_SIGNAL=%s is not SIGPROF, SIGVTALRM or a real-time signal (RTMIN+N); using SIGPROF", text);
    }));
}

bool setting_no_task_io() {
    return read_once(g_no_task_io, "SHIM_TEST_NO_TASK_IO",
                     [](const char* text, bool* bad) {
                         *bad = false;
                         return settings_parse::no_task_io(text);
                     },
                     [](const char*) {}) == 1;
}

}  // namespace shim
