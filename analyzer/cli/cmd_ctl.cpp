// `analyzer ctl PID start|stop|snapshot|status`: controls a process started with
// SHIM_START=paused|running without restarting it. Prints the answer (for
// stop, the name of the window's log, complete); exit status 1 with one line
// on stderr when the process cannot be reached or refuses.
#include <iostream>
#include <memory>

#include "commands.h"
#include "control_client.h"

namespace analyzer {

namespace {
struct CtlOptions {
    long pid = 0;
    std::string action;
    double timeout_s = 5;
};
}  // namespace

void add_ctl_command(CLI::App& app) {
    auto options = std::make_shared<CtlOptions>();
    CLI::App* cmd = app.add_subcommand(
        "ctl", "Controls a process traced with SHIM_START=paused|running:\n"
               "start opens a recording window, stop closes it and prints its log, snapshot writes\n"
               "the open window's state now to LOG.sN without stopping it, status tells.");
    cmd->footer("Example: SHIM_START=paused LD_PRELOAD=libshim.so ./server & analyzer ctl $! start; ...; "
                "analyzer ctl $! stop");
    cmd->add_option("pid", options->pid, "the traced process")->required();
    cmd->add_option("action", options->action, "start, stop, snapshot or status")
        ->required()
        ->check(CLI::IsMember({"start", "stop", "snapshot", "status"}));
    cmd->add_option("--timeout", options->timeout_s, "seconds to wait for the answer (default 5)")
        ->check(CLI::Range(0.1, 3600.0));
    cmd->callback([options]() {
        ControlAnswer answer = control_process(options->pid, options->action, int(options->timeout_s * 1000));
        if (answer.ok) {
            std::cout << answer.text << "\n";
            set_command_status(0);
        } else {
            std::cerr << "analyzer: ctl: " << answer.text << "\n";
            set_command_status(1);
        }
    });
}

}  // namespace analyzer
