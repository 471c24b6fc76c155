#include "child_process.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace analyzer {
namespace {

const int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

volatile sig_atomic_t g_child = 0;
constexpr size_t kForwardedCount = sizeof kForwarded / sizeof kForwarded[0];
bool g_installed[kForwardedCount] = {};
struct sigaction g_previous[kForwardedCount];

void forward_signal(int sig, siginfo_t* info, void*) {
    // A terminal's ^C or ^\ goes to the whole foreground process group, so the
    // child already has it (the kernel sends those with SI_KERNEL): sending it
    // again would deliver it twice. Signals sent to us alone are passed on.
    if (info != nullptr && info->si_code == SI_KERNEL) return;
    if (g_child > 0) kill(pid_t(g_child), sig);
}

// Handlers for the forwarded signals, except those ignored when we started
// (nohup, a background job): the child inherits the ignoring instead.
void install_forwarding() {
    for (size_t i = 0; i < kForwardedCount; ++i) {
        int sig = kForwarded[i];
        struct sigaction& old = g_previous[i];
        if (sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_sigaction = forward_signal;
        action.sa_flags = SA_SIGINFO | SA_RESTART;
        sigemptyset(&action.sa_mask);
        g_installed[i] = sigaction(sig, &action, nullptr) == 0;
    }
}

// In the child before exec: a signal arriving now must act on the child itself.
void restore_default_handlers() {
    for (size_t i = 0; i < kForwardedCount; ++i)
        if (g_installed[i]) signal(kForwarded[i], SIG_DFL);
}

// Once the child is gone, ^C must be able to stop us again (a long report).
void restore_previous_handlers() {
    for (size_t i = 0; i < kForwardedCount; ++i)
        if (g_installed[i]) sigaction(kForwarded[i], &g_previous[i], nullptr), g_installed[i] = false;
}

bool executable_file(const std::string& path, int& error) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) {
        error = ENOENT;
        return false;
    }
    if (!S_ISREG(st.st_mode) || access(path.c_str(), X_OK) != 0) {
        error = EACCES;
        return false;
    }
    return true;
}

std::vector<std::string> environment_with(const EnvironmentChanges& changes) {
    std::vector<std::string> env;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        bool replaced = false;
        for (const auto& change : changes)
            replaced |= strncmp(*entry, change.first.c_str(), change.first.size()) == 0 &&
                        (*entry)[change.first.size()] == '=';
        if (!replaced) env.push_back(*entry);
    }
    for (const auto& change : changes) env.push_back(change.first + "=" + change.second);
    return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (std::string& s : strings) out.push_back(&s[0]);
    out.push_back(nullptr);
    return out;
}

// In the forked child: exec, and when that fails, say why in one line.
[[noreturn]] void exec_child(const std::string& path, char** argv, char** envp) {
    execve(path.c_str(), argv, envp);
    if (errno == ENOEXEC) {  // a script without "#!": run it with sh, as execvp and shells do
        std::vector<char*> sh_argv = {const_cast<char*>("sh"), const_cast<char*>(path.c_str())};
        for (char** arg = argv + 1; *arg != nullptr; ++arg) sh_argv.push_back(*arg);
        sh_argv.push_back(nullptr);
        execve("/bin/sh", sh_argv.data(), envp);
    }
    int error = errno;
    std::string line = "analyzer: " + path + ": " + strerror(error) + "\n";
    ssize_t ignored = write(STDERR_FILENO, line.data(), line.size());
    (void)ignored;
    _exit(error == ENOENT ? 127 : 126);
}

}  // namespace

std::string find_command(const std::string& name, int& error) {
    error = ENOENT;
    if (name.empty()) return "";
    if (name.find('/') != std::string::npos) return executable_file(name, error) ? name : "";
    const char* path_env = getenv("PATH");
    std::string search = path_env != nullptr ? path_env : "/usr/local/bin:/bin:/usr/bin";
    bool denied = false;
    size_t start = 0;
    while (start <= search.size()) {
        size_t end = search.find(':', start);
        if (end == std::string::npos) end = search.size();
        std::string dir = search.substr(start, end - start);
        std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
        int why = 0;
        if (executable_file(candidate, why)) return candidate;
        denied |= why == EACCES;
        start = end + 1;
    }
    error = denied ? EACCES : ENOENT;
    return "";
}

ChildEnd run_child(const std::string& path, const std::vector<std::string>& argv, const EnvironmentChanges& changes) {
    std::vector<std::string> args = argv, env = environment_with(changes);
    std::vector<char*> arg_pointers = pointers(args), env_pointers = pointers(env);

    // Forwarded signals wait (blocked) until the child's pid is known.
    sigset_t forwarded, saved;
    sigemptyset(&forwarded);
    for (int sig : kForwarded) sigaddset(&forwarded, sig);
    install_forwarding();
    sigprocmask(SIG_BLOCK, &forwarded, &saved);

    ChildEnd end;
    pid_t pid = fork();
    if (pid == 0) {
        restore_default_handlers();
        sigprocmask(SIG_SETMASK, &saved, nullptr);
        exec_child(path, arg_pointers.data(), env_pointers.data());
    }
    if (pid < 0) {
        end.code = errno;
        restore_previous_handlers();
        sigprocmask(SIG_SETMASK, &saved, nullptr);
        return end;
    }
    g_child = pid;
    sigprocmask(SIG_SETMASK, &saved, nullptr);

    end.started = true;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    g_child = 0;
    restore_previous_handlers();
    end.signalled = WIFSIGNALED(status);
    end.code = end.signalled ? WTERMSIG(status) : WEXITSTATUS(status);
    return end;
}

void end_like(const ChildEnd& end) {
    if (!end.signalled) exit(end.code);
    fflush(nullptr);
    // The child already left a core dump if there was one to leave.
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    signal(end.code, SIG_DFL);
    sigset_t just_this;
    sigemptyset(&just_this);
    sigaddset(&just_this, end.code);
    sigprocmask(SIG_UNBLOCK, &just_this, nullptr);
    raise(end.code);
    _exit(128 + end.code);  // a signal whose default is not to terminate
}

}  // namespace analyzer
