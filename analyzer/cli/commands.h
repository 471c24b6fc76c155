// Subcommands: each registers itself on the CLI11 app and runs when parsed.
#pragma once
#include <CLI/CLI.hpp>

namespace analyzer {

void add_report_command(CLI::App& app);
void add_flame_command(CLI::App& app);
void add_timeline_command(CLI::App& app);
void add_record_command(CLI::App& app);
void add_diff_command(CLI::App& app);
void add_pprof_command(CLI::App& app);
void add_push_command(CLI::App& app);
void add_ctl_command(CLI::App& app);

// The exit status of the subcommand that ran: 0, or 2 for unusable input.
void set_command_status(int status);
int command_status();

}  // namespace analyzer
