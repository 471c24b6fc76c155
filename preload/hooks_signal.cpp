// Fatal signals: where the program left a deadly signal at its default
// action, the shim writes the log first and then lets the signal do exactly
// what it would have done (same signal, same core dump, same exit status).
// The program never sees these handlers: asking for the disposition of such
// a signal answers SIG_DFL, and setting one replaces ours for good.
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>

#include "interpose.h"
#include "log_writer.h"

using shim::RealFunction;

namespace {

constexpr int kFatalSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS, SIGQUIT, SIGXCPU,
                                 SIGXFSZ, SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGALRM, SIGUSR1, SIGUSR2};
std::atomic<bool> g_ours[NSIG];
std::atomic<bool> g_dying{false};

RealFunction<int (*)(int, const struct sigaction*, struct sigaction*)> real_sigaction("sigaction");

void restore_default(int sig) {
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    real_sigaction.get()(sig, &dfl, nullptr);
    g_ours[sig].store(false);
}

void on_fatal_signal(int sig, siginfo_t* info, void*) {
    shim::ErrnoKeeper keep;
    bool first = !g_dying.exchange(true);
    if (first) shim::log_flush(shimlog::EndReason::Signal, sig);
    restore_default(sig);
    // A fault (si_code > 0) happens again when the instruction is retried;
    // a sent signal is sent again, and arrives once this handler returns.
    if (info == nullptr || info->si_code <= 0) raise(sig);
}

// Setting SIG_DFL where our handler stands changes nothing the program can
// tell (ours ends in the default action), so ours stays.
bool asks_for_default(const struct sigaction* act) {
    return act != nullptr && !(act->sa_flags & SA_SIGINFO) && act->sa_handler == SIG_DFL;
}

}  // namespace

namespace shim {

void signals_init() {
    for (int sig : kFatalSignals) {
        struct sigaction current;
        if (real_sigaction.get()(sig, nullptr, &current) != 0) continue;
        if ((current.sa_flags & SA_SIGINFO) || current.sa_handler != SIG_DFL) continue;  // the program's choice
        struct sigaction ours;
        memset(&ours, 0, sizeof ours);
        ours.sa_sigaction = on_fatal_signal;
        ours.sa_flags = SA_SIGINFO | SA_ONSTACK;
        sigemptyset(&ours.sa_mask);
        if (real_sigaction.get()(sig, &ours, nullptr) == 0) g_ours[sig].store(true);
    }
}

}  // namespace shim

extern "C" {
#pragma GCC visibility push(default)  // the hooks: what the program links to

int sigaction(int sig, const struct sigaction* act, struct sigaction* old) {
    if (sig <= 0 || sig >= NSIG || !g_ours[sig].load()) return real_sigaction.get()(sig, act, old);
    if (act == nullptr || asks_for_default(act)) {
        if (old != nullptr) {  // what the program would have seen without us
            memset(old, 0, sizeof *old);
            old->sa_handler = SIG_DFL;
        }
        return 0;
    }
    struct sigaction previous;
    int result = real_sigaction.get()(sig, act, &previous);
    if (result != 0) return result;
    if (old != nullptr) {  // what the program would have seen without us
        memset(old, 0, sizeof *old);
        old->sa_handler = SIG_DFL;
    }
    if (act != nullptr) g_ours[sig].store(false);  // the program's handler now
    return 0;
}

sighandler_t signal(int sig, sighandler_t handler) {
    static RealFunction<sighandler_t (*)(int, sighandler_t)> real("signal");
    if (sig <= 0 || sig >= NSIG || !g_ours[sig].load()) return real.get()(sig, handler);
    if (handler == SIG_DFL) return SIG_DFL;  // as in sigaction: ours already ends that way
    sighandler_t result = real.get()(sig, handler);
    if (result == SIG_ERR) return result;
    g_ours[sig].store(false);
    return SIG_DFL;
}

#pragma GCC visibility pop
}  // extern "C"
