// `analyzer timeline LOG -o trace.json`: the threads, P(t) and the phases as
// Chrome Trace Event JSON for ui.perfetto.dev or chrome://tracing, with the
// contended waits as slices on the threads' tracks.
#include <iostream>
#include <memory>

#include "commands.h"
#include "load_log.h"
#include "output_file.h"
#include "../pipeline.h"
#include "../views/chrome_trace.h"

namespace analyzer {
namespace {

struct TimelineCommand {
    std::string log_path;
    std::string output = "trace.json";  // "-": stdout
    TimelineOptions options;
};

int run_timeline(const TimelineCommand& command) {
    Log log;
    if (!load_log_or_say(command.log_path, log)) return 2;
    note_if_partial(log);
    OutputFile output(command.output, "-");
    if (!output.opened()) return 2;
    std::ostream& out = output.stream();
    Symbolizer symbols(log.modules);
    CallSites sites(log, symbols);
    Analysis analysis = analyze_with_limits(log, sites, AllocReport{}, command.options.limits);
    for (const std::string& note : write_chrome_trace(log, analysis, sites, command.options, out))
        std::cerr << "analyzer: note: " << note << "\n";
    print_symbol_notes(symbols);
    return output.finish() ? 0 : 2;
}

}  // namespace

void add_timeline_command(CLI::App& app) {
    auto command = std::make_shared<TimelineCommand>();
    CLI::App* cmd = app.add_subcommand(
        "timeline",
        "Threads, threads on CPU (P(t)) and serial/idle phases as Chrome Trace Event JSON,\n"
        "for ui.perfetto.dev or chrome://tracing. Threads beyond --own-tracks of one kind\n"
        "share --lanes summary lanes, one slice per thread. Contended waits (mutex, rwlock,\n"
        "condition, semaphore, barrier, join) are slices on their thread's track, named by\n"
        "the object, with the wait site and whether it timed out (the --max-waits longest).\n"
        "Example: analyzer timeline log.bin -o trace.json");
    cmd->add_option("log", command->log_path, "log written by libshim.so")->required();
    cmd->add_option("-o,--output", command->output, "output file, - for stdout")->capture_default_str();
    cmd->add_option("--own-tracks", command->options.layout.own_track_limit,
                    "threads of one kind drawn on tracks of their own")->capture_default_str();
    cmd->add_option("--lanes", command->options.layout.max_lanes, "summary lanes per kind of thread")
        ->check(CLI::PositiveNumber)->capture_default_str();
    cmd->add_option("--serial-min-ms", command->options.limits.serial_min_ms,
                    "shortest serial/idle phase marked, in ms (or --serial-min-share of the run, if longer)")->capture_default_str();
    cmd->add_option("--serial-min-share", command->options.limits.serial_min_share,
                    "shortest serial/idle phase marked, as a share of the run")->check(CLI::Range(0.0, 1.0))->capture_default_str();
    cmd->add_option("--max-waits", command->options.waits.max_waits,
                    "wait slices drawn at most: over it the longest are kept, and a note says how many were left out")
        ->check(CLI::PositiveNumber)->capture_default_str();
    cmd->callback([command]() { set_command_status(run_timeline(*command)); });
}

}  // namespace analyzer
