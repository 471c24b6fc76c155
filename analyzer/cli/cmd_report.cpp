// `analyzer report LOG`: decode -> findings -> text or JSON view.
#include <algorithm>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>
#include <unistd.h>

#include "../symbols/call_sites.h"
#include "commands.h"
#include "../decode/decode.h"
#include "../findings/cost_ranking.h"
#include "../findings/rules.h"
#include "../pipeline.h"
#include "gates.h"
#include "load_log.h"
#include "child_logs.h"
#include "report_output.h"
#include "output_file.h"
#include "../diff/window_table.h"
#include "../model/window_name.h"
#include "../views/windows.h"
#include "../text/terminal.h"
#include "../views/report.h"

namespace analyzer {
namespace {

struct ReportOptions {
    std::vector<std::string> log_paths;  // the first, then any more to report after it
    bool children = false;               // also report the other processes of the run
    bool windows = false;                // the logs as windows of one recording, side by side
    std::string log_path;                // the one being reported
    std::string format = "text";
    std::string output;  // -o: a file instead of stdout
    size_t top = 10;
    Thresholds limits;
    std::string min_cost;  // --min-cost as given; "": the default (Thresholds)
    Gates gates;
};

// --min-cost into the thresholds; false (said) when it does not parse.
bool apply_min_cost(const ReportOptions& options, Thresholds& limits) {
    std::string bad_cost = options.min_cost.empty() ? "" : parse_min_cost(options.min_cost, limits);
    if (!bad_cost.empty()) std::cerr << "analyzer: " << bad_cost << "\n";
    return bad_cost.empty();
}

// `out`: where a JSON or text report to stdout goes.
int report_one(const ReportOptions& options, std::vector<ProcessSummary>* children, std::ostream& out) {
    std::string bad_kind = unknown_kind_error(options.gates.fail_on);
    if (!bad_kind.empty()) {
        std::cerr << "analyzer: " << bad_kind << "\n";
        return 2;
    }
    Thresholds limits = options.limits;
    if (!apply_min_cost(options, limits)) return 2;
    Progress progress(file_size(options.log_path));
    Log log;
    if (!load_log_or_say(options.log_path, log, progress)) return 2;
    std::unique_ptr<RunAnalysis> run = analyze_log(std::move(log), limits, progress);
    progress.done();
    const Log& analysed = run->log;
    ReportInput input{analysed, run->findings, *run->sites, options.top, run->analysis};
    input.limits = &limits;
    input.findings_left_out = run->findings_left_out;
    input.min_cost_ns = min_cost_ns(analysed, limits);
    input.min_cost_text = min_cost_text(limits);
    input.colour = options.output.empty() && colour_wanted(STDOUT_FILENO);  // never into a file
    if (options.format == "html" || !options.output.empty()) {
        if (!write_report_output(input, options.format, options.output)) return 2;
    } else if (options.format == "json")
        write_json_report(input, out);
    else
        write_text_report(input, out);
    // The first process of a run lists the others, which wrote their own logs.
    if (children != nullptr && !analysed.process.parent_traced) {
        *children = child_logs(options.log_path, analysed);
        if (options.format == "text" && options.output.empty())
            write_process_tree(analysed, *children, options.top, std::cout);
    }
    print_symbol_notes(*run->symbols);
    return apply_gates(options.gates, analysed, run->all_findings);
}

// Several logs named, each LOG.wN of one LOG: `report log.bin.w*` means the
// windows side by side, as --windows does.
bool all_windows_of_one_log(const std::vector<std::string>& paths) {
    if (paths.size() < 2) return false;
    std::string base = window_of_log(paths[0]).base;
    for (const std::string& path : paths) {
        WindowName w = window_of_log(path);
        if (w.snapshot || w.number < 2 || w.base != base) return false;
    }
    return true;
}

// --windows: one LOG stands for all its windows (LOG, LOG.w2, ...); several
// logs are taken as given. Each is analysed alone, then tabulated.
int report_windows(const ReportOptions& options) {
    if (options.format == "html" || options.children) {
        std::cerr << "analyzer: --windows writes text or JSON, one table for the process's windows\n";
        return 2;
    }
    Thresholds limits = options.limits;
    if (!apply_min_cost(options, limits)) return 2;
    std::vector<std::string> paths = options.log_paths;
    if (paths.size() == 1) {
        paths = window_logs(options.log_paths[0]);
        if (paths.empty()) {
            std::cerr << "analyzer: cannot open " << options.log_paths[0] << " or any window of it ("
                      << options.log_paths[0] << ".w2, ...)\n";
            return 2;
        }
    }
    std::vector<RunSummary> summaries;
    std::set<std::string> notes;
    for (const std::string& path : paths) {
        try {
            std::unique_ptr<RunAnalysis> run = analyze_run(path, limits);
            summaries.push_back(summarize_run(*run));
            for (const std::string& warning : run->symbols->warnings()) notes.insert(warning);
        } catch (const LogError& e) {
            std::cerr << "analyzer: " << e.what() << "\n";
            return 2;
        }
    }
    WindowTable table = tabulate_windows(std::move(summaries));
    OutputFile output(options.output);
    if (!output.opened()) return 2;
    if (options.format == "json")
        write_json_windows(table, output.stream());
    else
        write_text_windows(table, output.is_stdout() && colour_wanted(STDOUT_FILENO), output.stream());
    for (const std::string& note : notes) std::cerr << "analyzer: note: " << note << "\n";
    return output.finish() ? 0 : 2;
}

// Every log named, and with --children every process of the first one's run,
// each reported in turn; the worst exit status wins. JSON for more than one
// log (or with --children) is one document: an array of reports, in order.
int run_report(ReportOptions options) {
    if (options.windows || all_windows_of_one_log(options.log_paths)) return report_windows(options);
    std::vector<std::string> paths = options.log_paths;
    bool json_array = options.format == "json" && options.output.empty() && (paths.size() > 1 || options.children);
    int status = 0;
    size_t reported = 0;
    if (json_array) std::cout << "[\n";
    for (size_t i = 0; i < paths.size(); ++i) {
        if (i > 0 && options.format == "text" && options.output.empty()) std::cout << "\n" << std::string(78, '=') << "\n";
        options.log_path = paths[i];
        std::vector<ProcessSummary> children;
        std::ostringstream element;
        int one = report_one(options, i == 0 ? &children : nullptr, json_array ? element : std::cout);
        status = std::max(status, one);
        if (json_array && !element.str().empty()) std::cout << (reported++ ? "," : "") << element.str();
        if (i == 0 && options.children)
            for (const ProcessSummary& child : children) paths.push_back(child.path);
    }
    if (json_array) std::cout << "]\n";
    return status;
}

}  // namespace

void add_report_command(CLI::App& app) {
    auto options = std::make_shared<ReportOptions>();
    CLI::App* cmd = app.add_subcommand("report", "Findings first, then syscall, file and allocation tables.\n"
                                                 "Example: analyzer report log.bin --top 5");
    cmd->add_option("log", options->log_paths, "log(s) written by libshim.so; the first names the run")->required();
    cmd->add_flag("--children", options->children,
                  "also report every other process of the run (their logs: LOG.<pid>, beside it)");
    cmd->add_flag("--windows", options->windows,
                  "the recording's windows side by side (LOG, LOG.w2, LOG.w3, ... or the logs named): per window "
                  "its time range, headline figures and findings, each with its change from the window before");
    cmd->add_option("--format", options->format, "text, json or html (one self-contained page)")
        ->check(CLI::IsMember({"text", "json", "html"}));
    cmd->add_option("-o,--output", options->output, "write the report to this file instead of stdout");
    cmd->add_option("--top", options->top, "rows per table")->check(CLI::PositiveNumber);
    cmd->add_option("--io-min-calls", options->limits.io_min_calls,
                    "unbuffered I/O: least calls from one site on one file")->capture_default_str();
    cmd->add_option("--io-small-share", options->limits.io_small_share,
                    "unbuffered I/O: share of calls that must be small")->check(CLI::Range(0.0, 1.0))->capture_default_str();
    cmd->add_option("--io-small-bytes", options->limits.io_small_bytes,
                    "unbuffered I/O: what counts as small (rounded down to 1, 16 or 512)")->capture_default_str();
    cmd->add_option("--alloc-min-share", options->limits.alloc_min_share,
                    "allocation hot spot: least share of all allocations from one site")->check(CLI::Range(0.0, 1.0))->capture_default_str();
    cmd->add_option("--alloc-min-count", options->limits.alloc_min_count,
                    "allocation hot spot: least allocations from one site")->capture_default_str();
    cmd->add_option("--alloc-temporary-share", options->limits.alloc_temporary_share,
                    "allocation hot spot: share of them that must be temporary")->check(CLI::Range(0.0, 1.0))->capture_default_str();
    cmd->add_option("--alloc-churn-factor", options->limits.alloc_churn_factor,
                    "allocation hot spot, or bytes allocated at the site over the peak heap")->check(CLI::PositiveNumber)->capture_default_str();
    cmd->add_option("--leak-min-bytes", options->limits.leak_min_bytes,
                    "leak: least bytes one site still holds at exit")->capture_default_str();
    cmd->add_option("--serial-min-ms", options->limits.serial_min_ms,
                    "serial/idle phase: shortest phase reported, in ms (or --serial-min-share of the run, if longer)")->capture_default_str();
    cmd->add_option("--serial-min-share", options->limits.serial_min_share,
                    "serial/idle phase: shortest phase reported, as a share of the run")->check(CLI::Range(0.0, 1.0))->capture_default_str();
    cmd->add_option("--idle-min-share", options->limits.idle_min_share,
                    "idle phase: least share of the run for a finding")->check(CLI::Range(0.0, 1.0))->capture_default_str();
    cmd->add_option("--cpu-min-share", options->limits.cpu_min_share,
                    "CPU hot spot: least share of the sampled CPU in one function")->check(CLI::Range(0.0, 1.0))->capture_default_str();
    cmd->add_option("--cpu-min-samples", options->limits.cpu_min_samples,
                    "CPU hot spot: least CPU samples in the profile")->capture_default_str();
    cmd->add_option("--lock-min-share", options->limits.lock_min_share,
                    "lock contention: least share of the threads' summed lifetimes spent waiting for one lock")
        ->check(CLI::Range(0.0, 1.0))->capture_default_str();
    cmd->add_option("--lock-min-us", options->limits.lock_min_wait_us,
                    "lock contention: least total wait for one lock, in microseconds")->capture_default_str();
    cmd->add_option("--threads-fine-min-count", options->limits.threads_fine_min_count,
                    "too-fine threads: least threads doing the same work")->capture_default_str();
    cmd->add_option("--threads-fine-factor", options->limits.threads_fine_lifetime_factor,
                    "too-fine threads: median lifetime at most this many times the median start-up cost")->capture_default_str();
    cmd->add_option("--threads-fine-max-us", options->limits.threads_fine_max_lifetime_us,
                    "too-fine threads: or a median lifetime at most this many microseconds")->capture_default_str();
    cmd->add_option("--min-cost", options->min_cost,
                    "leave out unbuffered-io, re-read, alloc-hotspot, file-reopened and threads-too-fine findings "
                    "that cost less than this: a share of the run (2%) or a time (5ms, 0.1s); 0 shows every one. "
                    "Default: 1% of the run or 5 ms, the larger. --fail-on still sees the ones left out");
    cmd->add_option("--fail-on", options->gates.fail_on,
                    "CI gate: exit 1 when a finding of one of these kinds is present (comma-separated: " +
                        finding_kinds_list() + "; findings left out by --min-cost count too)")
        ->delimiter(',');
    cmd->add_option("--max-reads-per-mb", options->gates.max_reads_per_mib,
                    "CI gate: exit 1 when read calls per MiB read (all files; under 1 MiB counts as 1) exceed N")
        ->check(CLI::NonNegativeNumber);
    cmd->footer("Examples:\n"
                "  analyzer report log.bin --top 5\n"
                "  analyzer report log.bin --format html -o report.html   # one page: open it in a browser\n"
                "  analyzer report log.bin --format json > report.json   # keys: analyzer/report.schema.json\n"
                "  analyzer report log.bin --fail-on unbuffered-io,alloc-hotspot --max-reads-per-mb 100\n"
                "  analyzer report log.bin --min-cost 0   # every finding, however little it costs\n"
                "  analyzer report log.bin --windows      # log.bin, log.bin.w2, ... side by side\n"
                "Exit status: 0 report written and every gate passed; 1 a gate failed (named on stderr);\n"
                "2 bad input (missing or unreadable log, not a log, too new, an unknown --fail-on kind).\n"
                "Colour on a terminal only, never with NO_COLOR set; progress on stderr for logs over 100 MB.");
    cmd->callback([options]() { set_command_status(run_report(*options)); });
}

}  // namespace analyzer
