#include "interpose.h"

#include <dlfcn.h>
#include <gnu/lib-names.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>

#include "../shim_messages.h"

namespace shim {

__thread int t_guard_depth __attribute__((tls_model("initial-exec"))) = 0;
__thread int t_signal_mark __attribute__((tls_model("initial-exec"))) = -1;
__thread int t_signal_depth __attribute__((tls_model("initial-exec"))) = 0;
__thread int* t_errno_at __attribute__((tls_model("initial-exec"))) = nullptr;

namespace {
thread_local uint32_t t_thread_id __attribute__((tls_model("initial-exec"))) = 0;

// The id glibc keeps for the thread, read without a syscall: a thread's CPU
// clock id encodes it (the kernel's ABI: ~tid << 3, then "per thread" and
// "scheduler time" in the low bits). 0 when the clock id is not of that form.
uint32_t tid_from_cpu_clock() {
    clockid_t clock;
    if (pthread_getcpuclockid(pthread_self(), &clock) != 0 || (clock & 7) != 6) return 0;
    return static_cast<uint32_t>(~(clock >> 3));
}

// Whether tid_from_cpu_clock agrees with gettid(): checked on the first thread
// that asks (-1 until then), and gettid() used from then on if not.
std::atomic<int> g_clock_gives_tid{-1};

}  // namespace

// Without a syscall where it can: gettid() was one more syscall in every
// thread the program starts.
uint32_t thread_id() {
    if (t_thread_id != 0) return t_thread_id;
    uint32_t from_clock = tid_from_cpu_clock();
    int trusted = g_clock_gives_tid.load(std::memory_order_relaxed);
    if (trusted == 1 && from_clock != 0) return t_thread_id = from_clock;
    uint32_t tid = static_cast<uint32_t>(gettid());
    if (trusted == -1) g_clock_gives_tid.store(from_clock == tid ? 1 : 0, std::memory_order_relaxed);
    return t_thread_id = tid;
}

void forget_thread_id() { t_thread_id = 0; }

SignalsHeld::SignalsHeld() {
    uint64_t all = ~uint64_t{0};  // the kernel's mask: 64 bits; it ignores SIGKILL and SIGSTOP
    syscall(SYS_rt_sigprocmask, SIG_BLOCK, &all, &saved_, sizeof all);
}

SignalsHeld::~SignalsHeld() { syscall(SYS_rt_sigprocmask, SIG_SETMASK, &saved_, nullptr, sizeof saved_); }

// The loader allocates and frees while it looks symbols up (error strings):
// the shim's business, not the program's allocations.
bool is_libc_definition(const char* name, void* fn) {
    ReentryGuard guard;
    ErrnoKeeper keep;
    void* libc = dlopen(LIBC_SO, RTLD_LAZY | RTLD_NOLOAD);
    if (libc == nullptr) return false;
    void* own = dlsym(libc, name);
    dlclose(libc);
    return own != nullptr && own == fn;
}

void* resolve_next(const char* name) {
    ReentryGuard guard;
    ErrnoKeeper keep;
    void* fn = dlsym(RTLD_NEXT, name);
    if (fn == nullptr) say("cannot find the real %s: %s", name, dlerror());
    return fn;
}

}  // namespace shim
