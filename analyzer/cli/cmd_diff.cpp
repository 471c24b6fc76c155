// `analyzer diff BEFORE AFTER`: what changed between two runs, per finding
// and per table, sites matched by function and file name (site_key.h).
#include <iostream>
#include <memory>
#include <set>
#include <unistd.h>

#include "commands.h"
#include "load_log.h"
#include "../decode/decode.h"
#include "../diff/compare.h"
#include "../text/terminal.h"
#include "../views/diff.h"

namespace analyzer {
namespace {

struct DiffOptions {
    std::string before_path, after_path;
    std::string format = "text";
    size_t top = 10;
};

int run_diff(const DiffOptions& options) {
    std::unique_ptr<RunAnalysis> before, after;
    try {
        before = analyze_run(options.before_path);
        after = analyze_run(options.after_path);
    } catch (const LogError& e) {
        std::cerr << "analyzer: " << e.what() << "\n";
        return 2;
    }
    RunDiff diff = diff_runs(summarize_run(*before), summarize_run(*after));
    if (options.format == "json")
        write_json_diff(diff, std::cout);
    else
        write_text_diff(diff, options.top, colour_wanted(STDOUT_FILENO), std::cout);
    std::set<std::string> notes;  // the two runs often share libraries: each note once
    for (const RunAnalysis* run : {before.get(), after.get()})
        for (const std::string& warning : run->symbols->warnings()) notes.insert(warning);
    for (const std::string& note : notes) std::cerr << "analyzer: note: " << note << "\n";
    return 0;
}

}  // namespace

void add_diff_command(CLI::App& app) {
    auto options = std::make_shared<DiffOptions>();
    CLI::App* cmd = app.add_subcommand("diff", "What changed between two runs: findings fixed or new, and every table's\n"
                                               "numbers before and after, call sites matched by function and file name\n"
                                               "(not address or line, so the two binaries may differ).");
    cmd->add_option("before", options->before_path, "log of the first run")->required();
    cmd->add_option("after", options->after_path, "log of the second run")->required();
    cmd->add_option("--format", options->format, "text or json")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
    cmd->add_option("--top", options->top, "rows per table")->check(CLI::PositiveNumber)->capture_default_str();
    cmd->footer("Example:\n"
                "  analyzer record -o before.bin -- ./words --mode unbuffered moby.txt\n"
                "  analyzer record -o after.bin -- ./words --mode buffered moby.txt\n"
                "  analyzer diff before.bin after.bin     # read calls 1,270,331 \u2192 21 (\u221299.998%)\n"
                "Exit status: 0 compared, 2 a log could not be read.");
    cmd->callback([options]() { set_command_status(run_diff(*options)); });
}

}  // namespace analyzer
