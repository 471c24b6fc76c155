// `analyzer report LOG`: decode -> findings -> text or JSON view.
#include <iostream>
#include <memory>

#include "call_sites.h"
#include "commands.h"
#include "decode.h"
#include "findings/rules.h"
#include "views/report.h"

namespace analyzer {
namespace {

int g_status = 0;

struct ReportOptions {
    std::string log_path;
    std::string format = "text";
    size_t top = 10;
    Thresholds limits;
};

int run_report(const ReportOptions& options) {
    Log log;
    try {
        log = decode_log_file(options.log_path);
    } catch (const LogError& e) {
        std::cerr << "analyzer: " << e.what() << "\n";
        return 2;
    }
    Symbolizer symbols(log.modules);
    CallSites sites(log, symbols);
    std::vector<Finding> findings = find_all(log, sites, options.limits);
    ReportInput input{log, findings, sites, options.top};
    if (options.format == "json")
        write_json_report(input, std::cout);
    else
        write_text_report(input, std::cout);
    for (const std::string& warning : symbols.warnings()) std::cerr << "analyzer: note: " << warning << "\n";
    return 0;
}

}  // namespace

void add_report_command(CLI::App& app) {
    auto options = std::make_shared<ReportOptions>();
    CLI::App* cmd = app.add_subcommand("report", "Findings first, then syscall and file tables.\n"
                                                 "Example: analyzer report log.bin --top 5");
    cmd->add_option("log", options->log_path, "log written by libshim.so")->required();
    cmd->add_option("--format", options->format, "text or json")->check(CLI::IsMember({"text", "json"}));
    cmd->add_option("--top", options->top, "rows per table")->check(CLI::PositiveNumber);
    cmd->add_option("--io-min-calls", options->limits.io_min_calls,
                    "unbuffered I/O: least calls from one site on one file")->capture_default_str();
    cmd->add_option("--io-small-share", options->limits.io_small_share,
                    "unbuffered I/O: share of calls that must be small")->check(CLI::Range(0.0, 1.0))->capture_default_str();
    cmd->add_option("--io-small-bytes", options->limits.io_small_bytes,
                    "unbuffered I/O: what counts as small (rounded down to 1, 16 or 512)")->capture_default_str();
    cmd->callback([options]() { g_status = run_report(*options); });
}

int command_status() { return g_status; }

}  // namespace analyzer
