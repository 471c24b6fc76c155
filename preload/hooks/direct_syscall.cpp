#include "direct_syscall.h"

#include <sys/single_threaded.h>

#include <atomic>
#include <cstdlib>
#include <cstring>

#include "../settings.h"
#include "interpose.h"

namespace shim {

std::atomic<bool> g_cancel_seen{false};

DirectSyscall::State DirectSyscall::decide(void* real) const {
#if defined(__x86_64__)
    if (real == nullptr || !setting_direct_syscalls()) return State::no;
    return is_libc_definition(name_, real) ? State::yes : State::no;
#else
    (void)real;
    return State::no;  // issue() knows only x86-64's calling convention
#endif
}

void direct_syscalls_note_cancel() { g_cancel_seen.store(true, std::memory_order_relaxed); }

}  // namespace shim
