// Issuing a read/write-family system call from the hook itself, when that is
// exactly what glibc's wrapper would do.
//
// Why: this kernel refills the return-stack buffer on every return from a
// system call (spectre_v2 "RSB filling"), so each return to a frame entered
// before the syscall mispredicts. A hook that calls libc's read and then does
// its bookkeeping adds one such return, ~20 ns a call (BENCHMARKS.md, "The
// cost of a read hook"): 1.05x on a program that reads a byte at a time. A
// syscall issued in the hook's own frame returns straight to the program.
//
// When it is exactly glibc's: glibc's wrapper is the bare syscall plus errno
// while the process is single-threaded (SYSCALL_CANCEL adds a cancellation
// point only once there are threads or pthread_cancel was called; the shim's
// own sampler thread does not count, see sampler.h), and only
// if the next definition after ours is libc's own, not another interposer's.
// SHIM_DIRECT_SYSCALLS=0 turns it off.
#pragma once
#include <sys/single_threaded.h>
#include <sys/types.h>

#include <atomic>
#include <cerrno>

#include "../record/sampler.h"

namespace shim {

extern std::atomic<bool> g_cancel_seen;  // pthread_cancel was called

// One wrapper's syscall: its number and whether calling it directly is safe.
class DirectSyscall {
public:
    constexpr DirectSyscall(const char* name, long number) : name_(name), number_(number) {}
    // True when the syscall may be issued instead of calling `real` (the
    // next definition of the wrapper) right now, on this thread.
    bool usable(void* real) {
        if (state_ == State::unknown) state_ = decide(real);
        return state_ == State::yes && process_single_threaded();
    }
    // The syscall with up to four arguments; -1 and errno on failure, as glibc.
    // Inline: a call here would bring back the return after the syscall.
    __attribute__((always_inline)) ssize_t issue(long a1, long a2, long a3, long a4 = 0) const {
#if defined(__x86_64__)
        long result;
        register long r10 __asm__("r10") = a4;
        __asm__ volatile("syscall"
                         : "=a"(result)
                         : "0"(number_), "D"(a1), "S"(a2), "d"(a3), "r"(r10)
                         : "rcx", "r11", "memory");
        if (result < 0 && result > -4096) {
            errno = static_cast<int>(-result);
            return -1;
        }
        return result;
#else
        (void)a1, (void)a2, (void)a3, (void)a4;
        errno = ENOSYS;  // never reached: decide() says no off x86-64
        return -1;
#endif
    }

private:
    enum class State : unsigned char { unknown, yes, no };
    State decide(void* real) const;
    static bool process_single_threaded() {
        return (__libc_single_threaded || sampler_alone_with_main()) && !g_cancel_seen.load(std::memory_order_relaxed);
    }

    const char* name_;
    long number_;
    State state_ = State::unknown;  // racy first decision is benign: both racers agree
};

// Called by our pthread_cancel before the real one: from then on every call
// goes through libc, which is where cancellation is acted on.
void direct_syscalls_note_cancel();

}  // namespace shim
