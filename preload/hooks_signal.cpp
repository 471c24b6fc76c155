// Fatal signals: where the program left a deadly signal at its default
// action, the shim writes the log first and then lets the signal do exactly
// what it would have done (same signal, same core dump, same exit status).
// The program never sees these handlers: asking for the disposition of such
// a signal answers SIG_DFL, and setting SIG_DFL puts ours back (it ends the
// same way), whenever the program asks for it.
//
// Whether ours is in place is always read from the kernel, never remembered:
// sigset, sysv_signal, bsd_signal and a raw rt_sigaction change dispositions
// without passing through our sigaction (a remembered flag once made the shim
// swallow a later signal(SIGTERM, SIG_DFL): tests/programs/signal_apis.c).
#include <cerrno>
#include <csignal>
#include <cstring>

#include "interpose.h"
#include "log_writer.h"

using shim::RealFunction;

namespace {

constexpr int kFatalSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS, SIGQUIT, SIGXCPU,
                                 SIGXFSZ, SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGALRM, SIGUSR1, SIGUSR2};
volatile sig_atomic_t g_dying = 0;

RealFunction<int (*)(int, const struct sigaction*, struct sigaction*)> real_sigaction("sigaction");

bool is_fatal(int sig) {
    for (int fatal : kFatalSignals)
        if (fatal == sig) return true;
    return false;
}

void restore_default(int sig) {
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    real_sigaction.get()(sig, &dfl, nullptr);
}

void on_fatal_signal(int sig, siginfo_t* info, void*) {
    shim::ErrnoKeeper keep;
    bool first = !__atomic_exchange_n(&g_dying, 1, __ATOMIC_SEQ_CST);
    if (first) shim::log_flush(shimlog::EndReason::Signal, sig);
    restore_default(sig);
    // A fault (si_code > 0) happens again when the instruction is retried;
    // a sent signal is sent again, and arrives once this handler returns.
    if (info == nullptr || info->si_code <= 0) raise(sig);
}

bool is_ours(const struct sigaction& action) {
    return (action.sa_flags & SA_SIGINFO) && action.sa_sigaction == on_fatal_signal;
}

bool is_default(const struct sigaction& action) {
    return (action.sa_flags & SA_SIGINFO) ? action.sa_sigaction == nullptr : action.sa_handler == SIG_DFL;
}

// Puts our handler in place of SIG_DFL.
int install_ours(int sig) {
    struct sigaction ours;
    memset(&ours, 0, sizeof ours);
    ours.sa_sigaction = on_fatal_signal;
    ours.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&ours.sa_mask);
    return real_sigaction.get()(sig, &ours, nullptr);
}

// What the program would have been told without us.
void as_the_program_sees_it(struct sigaction* action) {
    if (action == nullptr || !is_ours(*action)) return;
    memset(action, 0, sizeof *action);
    action->sa_handler = SIG_DFL;
}

// For the signal()-style calls, which answer the previous handler.
sighandler_t seen_handler(sighandler_t previous) {
    return reinterpret_cast<void*>(previous) == reinterpret_cast<void*>(&on_fatal_signal) ? SIG_DFL : previous;
}

// A signal()-style call: the real one, then SIG_DFL on a fatal signal is ours
// again, and the previous handler as the program would have seen it.
sighandler_t set_handler(RealFunction<sighandler_t (*)(int, sighandler_t)>& real, int sig,
                         sighandler_t handler) {
    sighandler_t previous = real.get()(sig, handler);
    if (previous == SIG_ERR) return previous;
    if (handler == SIG_DFL && is_fatal(sig)) {
        shim::ErrnoKeeper keep;
        install_ours(sig);
    }
    return seen_handler(previous);
}

}  // namespace

namespace shim {

void signals_init() {
    for (int sig : kFatalSignals) {
        struct sigaction current;
        if (real_sigaction.get()(sig, nullptr, &current) != 0) continue;
        if (is_default(current)) install_ours(sig);  // anything else is the program's choice
    }
}

}  // namespace shim

extern "C" {
#pragma GCC visibility push(default)  // the hooks: what the program links to

int sigaction(int sig, const struct sigaction* act, struct sigaction* old) {
    if (!is_fatal(sig)) return real_sigaction.get()(sig, act, old);
    if (act != nullptr && is_default(*act)) {
        struct sigaction previous;
        int result = real_sigaction.get()(sig, nullptr, &previous);
        if (result == 0) result = install_ours(sig);
        if (result != 0) return result;
        as_the_program_sees_it(&previous);
        if (old != nullptr) *old = previous;
        return 0;
    }
    int result = real_sigaction.get()(sig, act, old);
    if (result == 0) as_the_program_sees_it(old);
    return result;
}

// signal() and the old APIs, each of which sets the disposition inside libc.
sighandler_t signal(int sig, sighandler_t handler) {
    static RealFunction<sighandler_t (*)(int, sighandler_t)> real("signal");
    return set_handler(real, sig, handler);
}

sighandler_t bsd_signal(int sig, sighandler_t handler) {
    static RealFunction<sighandler_t (*)(int, sighandler_t)> real("bsd_signal");
    return set_handler(real, sig, handler);
}

sighandler_t ssignal(int sig, sighandler_t handler) {
    static RealFunction<sighandler_t (*)(int, sighandler_t)> real("ssignal");
    return set_handler(real, sig, handler);
}

sighandler_t sysv_signal(int sig, sighandler_t handler) {
    static RealFunction<sighandler_t (*)(int, sighandler_t)> real("sysv_signal");
    return set_handler(real, sig, handler);
}

// What `signal` means under strict X/Open (glibc's headers redirect it here).
sighandler_t __sysv_signal(int sig, sighandler_t handler) {
    static RealFunction<sighandler_t (*)(int, sighandler_t)> real("__sysv_signal");
    return set_handler(real, sig, handler);
}

sighandler_t sigset(int sig, sighandler_t handler) {
    static RealFunction<sighandler_t (*)(int, sighandler_t)> real("sigset");
    return set_handler(real, sig, handler);
}

#pragma GCC visibility pop
}  // extern "C"
