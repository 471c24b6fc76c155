// `analyzer pprof LOG [--what allocs|reads|cpu|waits|lock-holders] -o FILE.pb.gz`: the log as a
// gzip'd pprof profile, for `go tool pprof` and the viewers that read it.
#include <iostream>
#include <memory>

#include "../analysis/alloc_analysis.h"
#include "commands.h"
#include "load_log.h"
#include "output_file.h"
#include "../encode/gzip_compress.h"
#include "../views/pprof.h"

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
    PprofWhat what = options.what == "reads" ? PprofWhat::Reads
                     : options.what == "cpu" ? PprofWhat::Cpu
                     : options.what == "waits" ? PprofWhat::Waits
                     : options.what == "lock-holders" ? PprofWhat::LockHolders
                                             : PprofWhat::Allocations;
    AllocReport allocs;
    if (what == PprofWhat::Allocations) allocs = analyze_allocations(log);
    Symbolizer symbols(log.modules);
    PprofProfile profile = build_pprof(log, allocs, symbols, what);
    if (profile.samples.empty())
        std::cerr << "analyzer: note: " << log.path << " has no "
                  << (what == PprofWhat::Reads ? "read calls"
                      : what == PprofWhat::Cpu ? "CPU samples (SHIM_CPU_HZ=0, or an older shim)"
                      : what == PprofWhat::Waits ? "contended waits (none blocked, or an older shim)"
                      : what == PprofWhat::LockHolders ? "mutex releases that had waiters"
                                               : "allocation events")
                  << ": the profile is empty\n";
    bool waits = what == PprofWhat::Waits || what == PprofWhat::LockHolders;
    if (waits && !profile.samples.empty() && !log.ticks_calibrated)
        std::cerr << "analyzer: note: " << log.path
                  << " has no end record to calibrate its clock: the delays are 0, the contentions exact\n";
    note_if_partial(log);
    print_symbol_notes(symbols);

    OutputFile output(options.output, nullptr);  // a binary profile: never to the terminal
    if (!output.opened()) return 2;
    output.stream() << gzip_compress(encode_pprof(profile));
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
