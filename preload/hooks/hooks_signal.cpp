// Fatal signals: where the program left a deadly signal at its default
// action, the shim writes the log first and then lets the signal do exactly
// what it would have done (same signal, same core dump, same exit status).
// The program never sees these handlers: asking for the disposition of such
// a signal answers SIG_DFL, and setting SIG_DFL puts ours back (it ends the
// same way), whenever the program asks for it.
//
// The program's own handlers run through ours (on_program_signal), which
// tells the hooks that a handler is running and over what: a handler that
// interrupts the shim itself allocates at a depth the shim's own calls never
// have, and is recorded (alloc_events.h) instead of being taken for the
// shim's. Queries answer the program's handler, as it set it.
//
// Whether ours is in place is always read from the kernel, never remembered:
// sigset, sysv_signal, bsd_signal and a raw rt_sigaction change dispositions
// without passing through our sigaction (a remembered flag once made the shim
// swallow a later signal(SIGTERM, SIG_DFL): tests/programs/signal_apis.c).
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>

#include <sys/time.h>

#include "interpose.h"
#include "../log/flush.h"
#include "../record/alloc_stacks.h"
#include "../record/cpu_profile.h"
#include "../record/unwinder_pipe.h"
#include "../record/unwinder_signals.h"

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

// The CPU profile's signal (cpu_profile.h) while the program has left it at
// SIG_DFL: our timers' are samples; any other (a kill, the program's own
// ITIMER_PROF) does what SIG_DFL does, after the log is written.
void on_cpu_signal(int sig, siginfo_t* info, void* context) {
    if (shim::cpu_profile_owns(info)) return shim::cpu_profile_on_signal(info, context);
    shim::ErrnoKeeper keep;
    if (!__atomic_exchange_n(&g_dying, 1, __ATOMIC_SEQ_CST)) shim::log_flush(shimlog::EndReason::Signal, sig);
    restore_default(sig);
    raise(sig);
}

bool is_cpu_signal(int sig) { return sig > 0 && sig == shim::cpu_profile_signal(); }

// The program's handler for each signal, as it set it. Two copies per signal,
// the one in use named by `current`: a handler running while the program
// changes it reads a whole entry, old or new.
struct ProgramAction {
    struct sigaction action;
    bool siginfo;
};
ProgramAction g_program[NSIG][2];
std::atomic<int> g_program_current[NSIG];

void on_program_signal(int sig, siginfo_t* info, void* context) {
    // A sample still queued when the program took the signal over is not its.
    if (shim::cpu_profile_owns(info)) return;
    shim::SignalScope scope;
    const ProgramAction& program = g_program[sig][g_program_current[sig].load(std::memory_order_acquire)];
    if (program.siginfo)
        program.action.sa_sigaction(sig, info, context);
    else
        program.action.sa_handler(sig);
}

void* handler_of(const struct sigaction& action) {
    return (action.sa_flags & SA_SIGINFO) ? reinterpret_cast<void*>(action.sa_sigaction)
                                          : reinterpret_cast<void*>(action.sa_handler);
}

bool is_ours(const struct sigaction& action) {
    return (action.sa_flags & SA_SIGINFO) &&
           (action.sa_sigaction == on_fatal_signal || action.sa_sigaction == on_cpu_signal);
}

bool is_routed(const struct sigaction& action) {
    return (action.sa_flags & SA_SIGINFO) && action.sa_sigaction == on_program_signal;
}

// After the program set a disposition: a handler of its own runs through ours.
void route_through_ours(int sig) {
    shim::ErrnoKeeper keep;
    struct sigaction now;
    if (sig <= 0 || sig >= NSIG || real_sigaction.get()(sig, nullptr, &now) != 0) return;
    void* handler = handler_of(now);
    if (handler == reinterpret_cast<void*>(SIG_DFL) || handler == reinterpret_cast<void*>(SIG_IGN) ||
        is_ours(now) || is_routed(now))
        return;
    int next = 1 - g_program_current[sig].load(std::memory_order_relaxed);
    g_program[sig][next] = {now, (now.sa_flags & SA_SIGINFO) != 0};
    g_program_current[sig].store(next, std::memory_order_release);
    struct sigaction routed = now;
    routed.sa_sigaction = on_program_signal;
    routed.sa_flags |= SA_SIGINFO;
    real_sigaction.get()(sig, &routed, nullptr);
}

bool is_default(const struct sigaction& action) {
    return (action.sa_flags & SA_SIGINFO) ? action.sa_sigaction == nullptr : action.sa_handler == SIG_DFL;
}

// Puts our handler in place of SIG_DFL; `previous` (optional) gets what was there.
// The profile's samples restart an interrupted call (SA_RESTART): the program
// never sees an EINTR of ours.
int install_ours(int sig, struct sigaction* previous = nullptr) {
    struct sigaction ours;
    memset(&ours, 0, sizeof ours);
    bool cpu = is_cpu_signal(sig);
    ours.sa_sigaction = cpu ? on_cpu_signal : on_fatal_signal;
    ours.sa_flags = SA_SIGINFO | (cpu ? SA_RESTART : SA_ONSTACK);
    sigemptyset(&ours.sa_mask);
    return real_sigaction.get()(sig, &ours, previous);
}

// What the program would have been told without us.
void as_the_program_sees_it(int sig, struct sigaction* action) {
    if (is_routed(*action)) {
        *action = g_program[sig][g_program_current[sig].load(std::memory_order_acquire)].action;
    } else if (is_ours(*action)) {
        memset(action, 0, sizeof *action);
        action->sa_handler = SIG_DFL;
    }
}

// For the signal()-style calls, which answer the previous handler.
sighandler_t seen_handler(int sig, sighandler_t previous) {
    void* was = reinterpret_cast<void*>(previous);
    if (was == reinterpret_cast<void*>(&on_fatal_signal) || was == reinterpret_cast<void*>(&on_cpu_signal))
        return SIG_DFL;
    if (was == reinterpret_cast<void*>(&on_program_signal))
        return reinterpret_cast<sighandler_t>(handler_of(g_program[sig][g_program_current[sig].load()].action));
    return previous;
}

// A signal()-style call: the real one, then SIG_DFL on a fatal signal is ours
// again, and the previous handler as the program would have seen it.
sighandler_t set_handler(RealFunction<sighandler_t (*)(int, sighandler_t)>& real, int sig,
                         sighandler_t handler) {
    if (is_cpu_signal(sig) && handler != SIG_DFL) shim::cpu_profile_stop(shim::CpuProfileOff::ProgramHandler);
    sighandler_t previous = real.get()(sig, handler);
    if (previous == SIG_ERR) return previous;
    if (handler == SIG_DFL && (is_fatal(sig) || is_cpu_signal(sig))) {
        shim::ErrnoKeeper keep;
        install_ours(sig);
    } else {
        route_through_ours(sig);
    }
    return seen_handler(sig, previous);
}

}  // namespace

namespace shim {

// One call per signal: ours goes in, and what it replaced comes back, put
// back at once when it was not the default (an inherited SIG_IGN is the
// program's choice). Signals are held meanwhile, so none meets ours in
// between. 17 calls instead of 34 in every process (1.4 us each here).
void signals_init() {
    SignalsHeld held;
    for (int sig : kFatalSignals) {
        struct sigaction previous;
        if (install_ours(sig, &previous) != 0) continue;
        if (!is_default(previous)) real_sigaction.get()(sig, &previous, nullptr);
    }
    // The CPU profile's signal: ours only where the program left the default.
    int cpu = cpu_profile_configure();
    if (cpu == 0) return;
    struct sigaction previous;
    bool installed = install_ours(cpu, &previous) == 0;
    if (installed && !is_default(previous)) {
        real_sigaction.get()(cpu, &previous, nullptr);
        installed = false;
    }
    cpu_profile_start(installed);
}

}  // namespace shim

extern "C" {
#pragma GCC visibility push(default)  // the hooks: what the program links to

int sigaction(int sig, const struct sigaction* act, struct sigaction* old) {
    struct sigaction previous;  // `old` may be `act` itself
    int result;
    bool keeps_default = act != nullptr && is_default(*act);
    // The program's own handler (or SIG_IGN) on the profile's signal: the
    // profile stops first, and the program's profiler gets its signal alone.
    if (act != nullptr && !keeps_default && is_cpu_signal(sig))
        shim::cpu_profile_stop(shim::CpuProfileOff::ProgramHandler);
    if (keeps_default && (is_fatal(sig) || is_cpu_signal(sig))) {
        result = real_sigaction.get()(sig, nullptr, &previous);
        if (result == 0) result = install_ours(sig);
    } else {
        result = real_sigaction.get()(sig, act, &previous);
        if (result == 0 && act != nullptr) route_through_ours(sig);
    }
    if (result != 0) return result;
    as_the_program_sees_it(sig, &previous);
    if (old != nullptr) *old = previous;
    return 0;
}

// The program's own profiling timer (gperftools, a hand-made profiler): the
// profile steps aside so that SIGPROF means what the program meant.
int setitimer(__itimer_which_t which, const struct itimerval* value, struct itimerval* old) {
    static RealFunction<int (*)(__itimer_which_t, const struct itimerval*, struct itimerval*)> real("setitimer");
    bool starts = value != nullptr && (value->it_value.tv_sec != 0 || value->it_value.tv_usec != 0);
    int signal_of_timer = which == ITIMER_PROF ? SIGPROF : which == ITIMER_VIRTUAL ? SIGVTALRM : SIGALRM;
    if (starts && is_cpu_signal(signal_of_timer)) shim::cpu_profile_stop(shim::CpuProfileOff::ProgramItimer);
    return real.get()(which, value, old);
}

// Everyone's sigprocmask as it is, but libunwind's inside the shim's own
// unwind (unwinder_signals.h).
int sigprocmask(int how, const sigset_t* set, sigset_t* old) {
    static RealFunction<int (*)(int, const sigset_t*, sigset_t*)> real("sigprocmask");
    if (shim::t_unwinding != 0 && shim::called_from_unwinder(__builtin_return_address(0)))
        return shim::unwinder_sigprocmask(how, set, old);
    return real.get()(how, set, old);
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
