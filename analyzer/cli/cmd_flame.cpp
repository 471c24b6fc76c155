// `analyzer flame LOG --what allocs|alloc-bytes|reads|cpu|waits [-o FILE]`: folded
// stacks, or an SVG flame graph when FILE ends in .svg.
#include <iostream>
#include <memory>

#include "../analysis/alloc_analysis.h"
#include "../text/format.h"
#include "commands.h"
#include "load_log.h"
#include "output_file.h"
#include "../views/flame.h"

namespace analyzer {
namespace {

struct FlameOptions {
    std::string log_path;
    std::string what = "allocs";
    std::string output;  // empty: stdout
};

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

int run_flame(const FlameOptions& options) {
    Log log;
    if (!load_log_or_say(options.log_path, log)) return 2;
    FlameWeight weight = options.what == "reads"         ? FlameWeight::Reads
                         : options.what == "alloc-bytes" ? FlameWeight::AllocatedBytes
                         : options.what == "cpu"         ? FlameWeight::CpuSamples
                         : options.what == "waits"       ? FlameWeight::WaitNs
                                                         : FlameWeight::Allocations;
    AllocReport allocs;
    if (weight == FlameWeight::Allocations || weight == FlameWeight::AllocatedBytes) allocs = analyze_allocations(log);
    Symbolizer symbols(log.modules);
    std::vector<FoldedStack> stacks = flame_stacks(log, allocs, symbols, weight);
    if (stacks.empty())
        std::cerr << "analyzer: note: " << log.path << " has no "
                  << (weight == FlameWeight::Reads        ? "read calls"
                      : weight == FlameWeight::CpuSamples ? "CPU samples (SHIM_CPU_HZ=0, or an older shim)"
                      : weight == FlameWeight::WaitNs
                          ? (log.waits.present() ? "wait times (no end record to calibrate its clock)"
                                                 : "contended waits (none blocked, or an older shim)")
                                                          : "allocation events")
                  << " to draw\n";
    note_if_partial(log);

    OutputFile output(options.output);
    if (!output.opened()) return 2;
    std::ostream& out = output.stream();
    if (ends_with(options.output, ".svg")) {
        static const char* const units[] = {"allocations", "bytes", "calls", "samples", "ns"};
        static const char* const titles[] = {"Allocations by stack", "Bytes allocated by stack", "Read calls by stack",
                                             "CPU samples by stack", "Time blocked in waits by stack and object"};
        unsigned w = static_cast<unsigned>(weight);
        std::string title = std::string(titles[w]) + " - " + log.process.exe;
        if (weight == FlameWeight::WaitNs)  // time reads better than a count of ns
            write_flame_svg(stacks, title, [](uint64_t ns) { return human_seconds(double(ns) / 1e9); }, out);
        else
            write_flame_svg(stacks, title, units[w], out);
    } else {
        write_folded(stacks, out);
    }
    print_symbol_notes(symbols);
    return output.finish() ? 0 : 2;
}

}  // namespace

void add_flame_command(CLI::App& app) {
    auto options = std::make_shared<FlameOptions>();
    CLI::App* cmd = app.add_subcommand(
        "flame",
        "Stacks weighted by allocations, bytes allocated, read calls, CPU samples (each a\n"
        "period of a thread's CPU, SHIM_CPU_HZ) or time blocked in contended waits (ns, the\n"
        "object waited on as the innermost frame: an off-CPU graph), as folded text\n"
        "(one 'outer;...;inner COUNT' line per stack, for flamegraph.pl, inferno or speedscope)\n"
        "or, when the output name ends in .svg, as a flame graph drawn by the analyzer.\n"
        "Example: analyzer flame log.bin --what allocs -o allocs.svg\n"
        "         analyzer flame log.bin --what reads > reads.folded\n"
        "         analyzer flame log.bin --what cpu -o cpu.svg\n"
        "         analyzer flame log.bin --what waits -o waits.svg");
    cmd->add_option("log", options->log_path, "log written by libshim.so")->required();
    cmd->add_option("--what", options->what, "allocs, alloc-bytes, reads, cpu or waits")
        ->check(CLI::IsMember({"allocs", "alloc-bytes", "reads", "cpu", "waits"}))
        ->capture_default_str();
    cmd->add_option("-o,--output", options->output, "output file (.svg: a flame graph); default stdout");
    cmd->callback([options]() { set_command_status(run_flame(*options)); });
}

}  // namespace analyzer
