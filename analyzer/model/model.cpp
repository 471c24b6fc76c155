// The model's few methods: how a run is named, how it ended, how long it ran.
#include "model.h"

namespace analyzer {

namespace {

// An argument as sh would need it: bare when it holds only safe characters,
// else in single quotes (a quote inside written '\'').
std::string shell_word(const std::string& arg) {
    static const char kSafe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./_-";
    if (!arg.empty() && arg.find_first_not_of(kSafe) == std::string::npos) return arg;
    std::string quoted = "'";
    for (char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

}  // namespace

std::string ProcessInfo::shell_command() const {
    std::string line;
    for (const std::string& arg : argv) line += (line.empty() ? "" : " ") + shell_word(arg);
    return line.empty() ? shell_word(exe) : line;
}

std::string ProcessInfo::command_line() const {
    std::string line;
    for (const std::string& arg : argv) line += (line.empty() ? "" : " ") + arg;
    return line.empty() ? exe : line;
}

std::string Log::ending() const {
    if (!end.present) return "did not finish writing its log";
    switch (end.reason) {
        case shimlog::EndReason::Exit: return "exit status " + std::to_string(end.exit_status);
        case shimlog::EndReason::QuickExit: return "_exit(" + std::to_string(end.exit_status) + ")";
        case shimlog::EndReason::Exec: return "replaced itself by exec";
        case shimlog::EndReason::Signal: return "killed by signal " + std::to_string(end.exit_status);
        case shimlog::EndReason::WindowClosed:
            return "recording window " + std::to_string(window.index) + " closed (the program went on)";
        case shimlog::EndReason::Snapshot:
            return "snapshot of recording window " + std::to_string(window.index) + " (the window and the program went on)";
    }
    return "?";
}

const char* window_cause_name(shimlog::WindowCause cause) {
    switch (cause) {
        case shimlog::WindowCause::Start: return "start";
        case shimlog::WindowCause::CtlStart: return "ctl-start";
        case shimlog::WindowCause::CtlStop: return "ctl-stop";
        case shimlog::WindowCause::ProcessEnd: return "process-end";
        case shimlog::WindowCause::Snapshot: return "snapshot";
        case shimlog::WindowCause::Period: return "period";
        case shimlog::WindowCause::Fork: return "fork";
    }
    return "unknown";
}

uint64_t Log::duration_ns() const {
    if (end.present && end.end_ns > process.start_ns) return end.end_ns - process.start_ns;
    if (!end.present && clock_ns > process.start_ns) return clock_ns - process.start_ns;
    return 0;
}

const std::vector<uint64_t>* Log::stack(uint32_t id) const {
    auto it = stacks.find(id);
    return it == stacks.end() ? nullptr : &it->second;
}

const FileInfo* Log::file(uint32_t id) const {
    auto it = files.find(id);
    return it == files.end() ? nullptr : &it->second;
}

}  // namespace analyzer
