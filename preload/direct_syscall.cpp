#include "direct_syscall.h"

#include <sys/single_threaded.h>

#include <atomic>
#include <cstdlib>
#include <cstring>

#include "interpose.h"
#include "shim_messages.h"

namespace shim {

std::atomic<bool> g_cancel_seen{false};

namespace {

// SHIM_DIRECT_SYSCALLS, read at the first decision: hooks can run before the
// shim's constructor.
bool disabled_by_environment() {
    static std::atomic<int> disabled{-1};
    int known = disabled.load(std::memory_order_relaxed);
    if (known >= 0) return known == 1;
    const char* setting = getenv("SHIM_DIRECT_SYSCALLS");
    known = setting != nullptr && strcmp(setting, "0") == 0;
    int expected = -1;
    if (disabled.compare_exchange_strong(expected, known) && setting != nullptr && !known &&
        strcmp(setting, "1") != 0)
        say("SHIM_DIRECT_SYSCALLS=%s is neither 0 nor 1; using 1", setting);
    return known == 1;
}

}  // namespace

DirectSyscall::State DirectSyscall::decide(void* real) const {
#if defined(__x86_64__)
    if (real == nullptr || disabled_by_environment()) return State::no;
    return is_libc_definition(name_, real) ? State::yes : State::no;
#else
    (void)real;
    return State::no;  // issue() knows only x86-64's calling convention
#endif
}

void direct_syscalls_note_cancel() { g_cancel_seen.store(true, std::memory_order_relaxed); }

}  // namespace shim
