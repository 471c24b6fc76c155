// Every SHIM_* variable the shim reads, in one place. Each is read on first
// use, not in a constructor (hooks run before constructors: another library's
// constructor may allocate), validated, and kept: a bad value is said once
// (shim_messages.h) and the default used instead.
#pragma once
#include <cstdint>

namespace shim {

// SHIM_LOG: the run's log name; "log.bin" when unset or empty. nullptr when
// the name is too long (said): then there is no log.
const char* setting_log_name();

// SHIM_STACK_VERIFY=N: check every Nth cached stack against a full unwind;
// 0 (unset): never.
uint32_t setting_stack_verify_every();

// SHIM_ALLOC_SAMPLE=BYTES: sample allocations about every BYTES bytes;
// 0 (unset): record every allocation.
uint64_t setting_alloc_sample_bytes();

// SHIM_SAMPLE_US: the CPU sampler's interval in microseconds.
constexpr uint32_t kDefaultSampleIntervalUs = 1000;
constexpr uint32_t kMaxSampleIntervalUs = 100000;
uint32_t setting_sample_interval_us();

// SHIM_CPU_HZ: CPU profile samples per second of each thread's CPU; 0: no
// profile. The kernel's tick caps deliveries (about 250 a second here):
// above that, the timer's overruns carry the weight.
constexpr uint32_t kDefaultCpuHz = 100;
constexpr uint32_t kMaxCpuHz = 10000;
uint32_t setting_cpu_hz();

// SHIM_CPU_SIGNAL: the signal the CPU profile's timers raise, a number or a
// name (PROF, VTALRM, RTMIN+N); SIGPROF when unset.
int setting_cpu_signal();

// SHIM_DIRECT_SYSCALLS=0: the hooks call glibc's wrappers, never the syscall.
bool setting_direct_syscalls();

// SHIM_WAITS=0: no waits are recorded (the lock, condition, semaphore,
// barrier and join hooks pass straight through); 1 (unset): recorded.
bool setting_waits();

// SHIM_START: how a controllable run starts (analyzer ctl, log/windows.h).
// Unset: no control, the shim records from start to exit as always.
// `running`: records from the start, and answers analyzer ctl. `paused`:
// records nothing until `analyzer ctl PID start`.
enum class StartMode : uint8_t { Uncontrolled = 0, Running = 1, Paused = 2 };
StartMode setting_start_mode();

// SHIM_PERIOD=SECONDS: a recording window closes and the next opens every
// SECONDS (1 to 86400); 0 (unset): windows end only by ctl or the exit.
// Implies SHIM_START=running when SHIM_START is unset.
uint32_t setting_period_s();
// SHIM_KEEP=N: only the last N windows' logs stay; the shim deletes older
// ones it wrote. 0 (unset): all stay.
uint32_t setting_keep();

// SHIM_MAX_LOG_MB=N: each window's log (the run's, without windows) has a
// budget of N MiB (log/budget.h); 0: none. Unset: 128 with SHIM_PERIOD
// (continuous profiling must not fill a disk), none otherwise.
constexpr uint32_t kDefaultPeriodicLogMb = 128;
constexpr uint32_t kMaxLogMb = 1u << 20;
uint64_t setting_max_log_bytes();

// SHIM_TEST_NO_TASK_IO=1 (tests only): act as if /proc/<pid>/task/<tid>/io
// could not be read.
bool setting_no_task_io();

// The parsers behind the settings, pure (tested in-process). `text` may be
// null (unset); `bad` is set when the text is not a valid value, and the
// default is returned.
namespace settings_parse {
bool log_name_too_long(const char* text);
uint32_t stack_verify_every(const char* text, bool* bad);
uint64_t alloc_sample_bytes(const char* text, bool* bad);
uint32_t sample_interval_us(const char* text, bool* bad);
bool direct_syscalls(const char* text, bool* bad);
bool waits(const char* text, bool* bad);
uint32_t cpu_hz(const char* text, bool* bad);
int cpu_signal(const char* text, bool* bad);
bool no_task_io(const char* text);
StartMode start_mode(const char* text, bool* bad);
uint32_t period_s(const char* text, bool* bad);
uint32_t keep(const char* text, bool* bad);
uint32_t max_log_mb(const char* text, bool periodic, bool* bad);
}  // namespace settings_parse

}  // namespace shim
