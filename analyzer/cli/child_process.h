// Running one command as the shell would: found on PATH, with a few
// environment variables changed, stdin/stdout/stderr inherited, signals sent
// to us passed on, and its ending (exit status or signal) reproduced.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace analyzer {

// The file `name` runs, found as execvp finds it (a name with a slash is
// used as is). Empty when there is none; `error` is then ENOENT or EACCES.
std::string find_command(const std::string& name, int& error);

struct ChildEnd {
    bool started = false;    // false: fork failed (errno in `code`)
    bool signalled = false;  // killed by signal `code`; else exited with status `code`
    int code = 0;
};

using EnvironmentChanges = std::vector<std::pair<std::string, std::string>>;

// Runs `path` with `argv` (argv[0] as the user typed it) and the changed
// environment, forwarding SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and
// SIGUSR2 while it runs, and waits for it. A failed exec makes the child
// print one line and exit 126 (not executable) or 127 (not found).
ChildEnd run_child(const std::string& path, const std::vector<std::string>& argv, const EnvironmentChanges& env);

// Ends this process the way the child ended: the same exit status, or the
// same signal with its default action (so the shell's $? matches).
[[noreturn]] void end_like(const ChildEnd& end);

}  // namespace analyzer
