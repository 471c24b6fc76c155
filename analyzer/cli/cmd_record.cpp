// `analyzer record [-o LOG] [--no-report] [--] CMD ARGS...`: runs CMD with
// the shim preloaded, then prints the report on stderr (stdout stays CMD's)
// and ends as CMD ended, so it can stand in for CMD in scripts.
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

#include "child_process.h"
#include "commands.h"
#include "load_log.h"
#include "../symbols/elf_kind.h"
#include "../findings/cost_ranking.h"
#include "../pipeline.h"
#include "shim_library.h"
#include "../text/terminal.h"
#include "../views/report.h"

namespace analyzer {
namespace {

struct RecordOptions {
    std::string log_path = "log.bin";
    bool no_report = false;
    std::vector<std::string> command;  // never filled: it only makes CLI11 keep "--" (see add_record_command)
};

std::string absolute(const std::string& path) {
    if (!path.empty() && path[0] == '/') return path;
    char cwd[PATH_MAX];
    return getcwd(cwd, sizeof cwd) != nullptr ? std::string(cwd) + "/" + path : path;
}

// The file's identity, to tell a log this run wrote from one left by an
// earlier run (the shim replaces the file, so its inode changes).
struct FileStamp {
    bool exists = false;
    dev_t dev = 0;
    ino_t ino = 0;
    struct timespec mtime = {0, 0};
    bool operator==(const FileStamp& o) const {
        return exists == o.exists && dev == o.dev && ino == o.ino && mtime.tv_sec == o.mtime.tv_sec &&
               mtime.tv_nsec == o.mtime.tv_nsec;
    }
};

FileStamp stamp(const std::string& path) {
    FileStamp s;
    struct stat st;
    if (stat(path.c_str(), &st) == 0) s = FileStamp{true, st.st_dev, st.st_ino, st.st_mtim};
    return s;
}

void print_report(const std::string& log_path) {
    try {
        std::unique_ptr<RunAnalysis> run = analyze_run(log_path);
        std::cerr << "\n--- analyzer report " << log_path << " ---\n";
        ReportInput input{run->log, run->findings, *run->sites, 10, run->analysis};
        input.limits = &run->limits;
        input.findings_left_out = run->findings_left_out;
        input.min_cost_ns = min_cost_ns(run->log, run->limits);
        input.min_cost_text = min_cost_text(run->limits);
        input.colour = colour_wanted(STDERR_FILENO);
        write_text_report(input, std::cerr);
        print_symbol_notes(*run->symbols);
    } catch (const LogError& e) {
        std::cerr << "analyzer: " << e.what() << "\n";
    }
}

// CMD and its arguments from what CLI11 left over: a leading "--" dropped,
// an option before CMD (a typo of ours, not CMD's) refused.
bool command_words(std::vector<std::string> words, std::vector<std::string>& command) {
    if (!words.empty() && words[0] == "--") {
        words.erase(words.begin());
    } else if (!words.empty() && words[0].size() > 1 && words[0][0] == '-') {
        std::cerr << "analyzer record: unknown option " << words[0] << " (put -- before a command that starts with -)\n";
        return false;
    }
    if (words.empty()) {
        std::cerr << "analyzer record: no command given (analyzer record --help)\n";
        return false;
    }
    command = std::move(words);
    return true;
}

int run_record(const RecordOptions& options, const std::vector<std::string>& words) {
    std::vector<std::string> command;
    if (!command_words(words, command)) return 2;
    int error = 0;
    std::string path = find_command(command[0], error);
    if (path.empty()) {
        std::cerr << "analyzer: " << command[0] << ": " << (error == EACCES ? strerror(EACCES) : "command not found") << "\n";
        return error == EACCES ? 126 : 127;
    }
    std::vector<std::string> tried;
    std::string shim = find_shim_library(tried);
    if (shim.empty() || shim.find_first_of(" :") != std::string::npos) {
        std::string places;
        for (const std::string& t : tried) places += (places.empty() ? "" : ", ") + t;
        std::cerr << "analyzer: " << (shim.empty() ? "cannot find libshim.so (looked at " + places + ")"
                                                   : "LD_PRELOAD cannot name " + shim + " (a space or colon in it)")
                  << "; set SHIM_LIBRARY to its path\n";
        return 2;
    }
    ElfKind kind = elf_kind(path);
    std::string blind = preload_blind_spot(kind, command[0]);
    if (!blind.empty()) std::cerr << "analyzer: note: " << blind << "\n";

    std::string log_path = absolute(options.log_path);
    FileStamp before = stamp(log_path);
    const char* preload = getenv("LD_PRELOAD");
    std::string preload_list = shim + (preload != nullptr && preload[0] != '\0' ? std::string(":") + preload : "");
    ChildEnd end = run_child(path, command, {{"LD_PRELOAD", preload_list}, {"SHIM_LOG", log_path}});
    if (!end.started) {
        std::cerr << "analyzer: cannot start " << command[0] << ": " << strerror(end.code) << "\n";
        return 2;
    }
    FileStamp after = stamp(log_path);
    if (!after.exists || after == before) {
        std::cerr << "analyzer: no log was written to " << log_path << ": "
                  << (blind.empty() ? "the shim was not loaded (a setuid program?) or could not create the file "
                                      "(see its message above)"
                                    : "LD_PRELOAD could not reach this program (see the note above)")
                  << "\n";
    } else if (!options.no_report) {
        print_report(log_path);
    }
    end_like(end);
}

}  // namespace

void add_record_command(CLI::App& app) {
    auto options = std::make_shared<RecordOptions>();
    CLI::App* cmd = app.add_subcommand(
        "record",
        "Runs CMD with libshim.so preloaded (stdin, stdout, stderr and signals are CMD's), writes the log,\n"
        "then prints the report on stderr. Exits as CMD did: its exit status, or its signal.");
    cmd->add_option("-o,--output", options->log_path, "where the log goes (SHIM_LOG)")->capture_default_str();
    cmd->add_flag("--no-report", options->no_report, "only record; read the log later with analyzer report");
    // CMD and its arguments are left unparsed (prefix_command), so CMD's own
    // options stay CMD's. The positional, which accepts nothing, is there so
    // that CLI11 keeps a "--" before CMD for this subcommand.
    cmd->add_option("CMD", options->command, "the program to run (found on PATH) and its arguments")
        ->check(CLI::Validator([](std::string&) { return std::string("-"); }, ""));
    cmd->validate_positionals();
    cmd->prefix_command();
    cmd->footer("Example:\n"
                "  analyzer record -- ./words --mode unbuffered moby.txt\n"
                "  analyzer record -o run.bin --no-report make -j4 && analyzer report run.bin\n"
                "libshim.so is found through $SHIM_LIBRARY, else beside the analyzer (../preload/ in the build\n"
                "tree, ../lib/shim/ when installed). Exit status: CMD's; 127 CMD not found; 126 CMD not\n"
                "executable; 2 the shim cannot be found. Static and Go programs run, but the shim cannot see them.");
    cmd->callback([options, cmd]() { set_command_status(run_record(*options, cmd->remaining())); });
}

}  // namespace analyzer
