// Mechanism shared by every hook: finding the real function behind ours and a
// per-thread guard that keeps the shim from tracing its own calls.
#pragma once
#include <atomic>
#include <cerrno>
#include <cstdint>

namespace shim {

// Looks `name` up with dlsym(RTLD_NEXT); reports a missing symbol once on stderr.
void* resolve_next(const char* name);

// The next definition of an intercepted function, resolved on first use
// (hooks run before the shim's constructor when other libraries call them early).
template <typename Fn>
class RealFunction {
public:
    explicit constexpr RealFunction(const char* name) : name_(name) {}
    Fn loaded() const { return fn_.load(std::memory_order_acquire); }
    Fn get() {
        Fn fn = fn_.load(std::memory_order_acquire);
        if (fn == nullptr) {
            fn = reinterpret_cast<Fn>(resolve_next(name_));
            fn_.store(fn, std::memory_order_release);
        }
        return fn;
    }
private:
    const char* name_;
    std::atomic<Fn> fn_{nullptr};
};

// Per-thread depth of shim code on the stack. Initial-exec TLS: no allocation
// and no lazy TLS setup (which could itself call malloc) when first touched.
// `__thread`, not `thread_local`: other files reach an extern thread_local
// through a TLS wrapper function, a call on every hooked read and malloc.
extern __thread int t_guard_depth __attribute__((tls_model("initial-exec")));

// The program's signal handlers run through the shim's (hooks_signal.cpp),
// which sets this to the guard depth it interrupted: -1 when the handler
// interrupted the program itself, N > 0 when it interrupted the shim at depth
// N. A hook entered at exactly that depth is the handler's own call, not the
// shim's (whose calls run deeper), and is the program's to record.
extern __thread int t_signal_mark __attribute__((tls_model("initial-exec")));

// How many of the program's signal handlers this thread is inside.
extern __thread int t_signal_depth __attribute__((tls_model("initial-exec")));

class SignalScope {
public:
    SignalScope() : saved_(t_signal_mark) {
        t_signal_mark = t_guard_depth > 0 ? t_guard_depth : -1;
        ++t_signal_depth;
    }
    ~SignalScope() {
        --t_signal_depth;
        t_signal_mark = saved_;
    }
    SignalScope(const SignalScope&) = delete;
    SignalScope& operator=(const SignalScope&) = delete;
private:
    int saved_;
};

// Holds every signal off this thread for a scope: around the shim's own
// one-time work that takes glibc's malloc (dlopen of the unwinder). A program
// handler that allocates must not land inside it: the bare program had no
// such window, and the heap is corrupted when it does (signal_alloc).
// A raw rt_sigprocmask: the program's own sigprocmask is not involved.
class SignalsHeld {
public:
    SignalsHeld();
    ~SignalsHeld();
    SignalsHeld(const SignalsHeld&) = delete;
    SignalsHeld& operator=(const SignalsHeld&) = delete;
private:
    uint64_t saved_ = 0;
};

// Inside a hook, after its ReentryGuard: the call is a signal handler's that
// interrupted the shim (so the shim's state may be half-updated beneath it).
inline bool called_by_handler_over_shim() { return t_signal_mark > 0 && t_guard_depth - 1 == t_signal_mark; }

// True when `fn` is libc's own definition of `name`: nothing else (another
// preloaded library, an allocator) interposes it after us.
bool is_libc_definition(const char* name, void* fn);

// The calling thread's kernel id, found once per thread (from glibc's own
// record of it where that can be trusted, else gettid()).
uint32_t thread_id();
// In a fork child: the forking thread has a new id there.
void forget_thread_id();

// This thread's errno, found once: __errno_location() is a call through the
// PLT, and the allocation hooks keep errno around every event.
extern __thread int* t_errno_at __attribute__((tls_model("initial-exec")));
inline int* errno_at() {
    if (__builtin_expect(t_errno_at == nullptr, 0)) t_errno_at = &errno;
    return t_errno_at;
}

// Puts errno back as it was when this goes out of scope: for the shim's own
// calls on the rare paths of a hook, so the common path never touches errno.
class ErrnoKeeper {
public:
    ErrnoKeeper() : at_(errno_at()), saved_(*at_) {}
    ~ErrnoKeeper() { *at_ = saved_; }
    ErrnoKeeper(const ErrnoKeeper&) = delete;
    ErrnoKeeper& operator=(const ErrnoKeeper&) = delete;
private:
    int* at_;
    int saved_;
};

// While alive, hooks on this thread pass straight through to the real function.
class ReentryGuard {
public:
    ReentryGuard() : entered_(t_guard_depth == 0) { ++t_guard_depth; }
    ~ReentryGuard() { --t_guard_depth; }
    ReentryGuard(const ReentryGuard&) = delete;
    ReentryGuard& operator=(const ReentryGuard&) = delete;
    // True when this guard is the outermost: the caller is the program, not the shim.
    bool entered() const { return entered_; }
private:
    bool entered_;
};

}  // namespace shim
