#include "unwinder_signals.h"

#include <cstdint>
#include <cstring>
#include <sys/syscall.h>
#include <unistd.h>

namespace shim {
namespace {

// The kernel's mask is 64 bits; glibc's sigset_t is larger.
__thread bool t_blocked __attribute__((tls_model("initial-exec"))) = false;
__thread uint64_t t_saved __attribute__((tls_model("initial-exec"))) = 0;

}  // namespace

int unwinder_sigprocmask(int, const sigset_t*, sigset_t* old) {
    if (!t_blocked) {
        uint64_t all = ~uint64_t(0);  // SIGKILL and SIGSTOP are left out by the kernel
        if (syscall(SYS_rt_sigprocmask, SIG_BLOCK, &all, &t_saved, sizeof all) != 0) return -1;
        t_blocked = true;
    }
    if (old != nullptr) {  // what libunwind will hand back to restore: the mask before the unwind
        memset(old, 0, sizeof *old);
        memcpy(old, &t_saved, sizeof t_saved);
    }
    return 0;
}

void unwinder_signals_restore() {
    if (!t_blocked) return;
    t_blocked = false;
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &t_saved, nullptr, sizeof t_saved);
}

}  // namespace shim
