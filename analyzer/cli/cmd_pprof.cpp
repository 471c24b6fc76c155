// `analyzer pprof LOG [--what allocs|reads|cpu|waits|lock-holders] -o FILE.pb.gz`: the log as a
// gzip'd pprof profile, for `go tool pprof` and the viewers that read it.
#include <iostream>
#include <memory>

#include "commands.h"
#include "load_log.h"
#include "output_file.h"
#include "pprof_export.h"

namespace analyzer {
namespace {

struct PprofOptions {
    std::string log_path;
    std::string what = "allocs";
    std::string output;
};

int run_pprof(const PprofOptions& options) {
    Log log;
    if (!load_log_or_say(options.log_path, log)) return 2;
    PprofExport profile = export_pprof(log, pprof_what_from_name(options.what));
    OutputFile output(options.output, nullptr);  // a binary profile: never to the terminal
    if (!output.opened()) return 2;
    output.stream() << profile.gzipped;
    return output.finish("cannot write") ? 0 : 2;
}

}  // namespace

void add_pprof_command(CLI::App& app) {
    auto options = std::make_shared<PprofOptions>();
    CLI::App* cmd = app.add_subcommand(
        "pprof",
        "A pprof profile (gzip'd profile.proto) of allocations, read calls or CPU per stack.\n"
        "allocs: alloc_objects (the default view), alloc_space, inuse_objects, inuse_space\n"
        "(inuse = still allocated when the log ends); reads: read_calls, read_bytes, with\n"
        "file and syscall labels. Counts are exact, not sampled. cpu: samples/count and\n"
        "cpu/nanoseconds (the default view) of each thread's CPU-time samples, like a Go CPU profile.\n"
        "waits: contentions/count, delay/nanoseconds (default) per site where threads blocked, the\n"
        "object as the innermost frame, like Go's block profile; lock-holders: the same per mutex\n"
        "unlock site, each wait charged to the release that ended it, like Go's mutex profile.\n"
        "Every sample is labelled pid, command and window (2 for LOG.w2); CPU samples also thread_kind.\n"
        "Example: analyzer pprof log.bin --what allocs -o allocs.pb.gz\n"
        "         go tool pprof -top allocs.pb.gz\n"
        "         go tool pprof -sample_index=inuse_space -http=: allocs.pb.gz\n"
        "         analyzer pprof log.bin --what cpu -o cpu.pb.gz && go tool pprof -top cpu.pb.gz\n"
        "         analyzer pprof log.bin --what waits -o waits.pb.gz && go tool pprof -top waits.pb.gz");
    cmd->add_option("log", options->log_path, "log written by libshim.so")->required();
    cmd->add_option("--what", options->what, "allocs, reads, cpu, waits or lock-holders")
        ->check(CLI::IsMember({"allocs", "reads", "cpu", "waits", "lock-holders"}))
        ->capture_default_str();
    cmd->add_option("-o,--output", options->output, "the profile to write, e.g. allocs.pb.gz")->required();
    cmd->callback([options]() { set_command_status(run_pprof(*options)); });
}

}  // namespace analyzer
