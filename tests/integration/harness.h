// Running programs under the shim from tests: paths of the built artifacts,
// a scratch directory per test, and a command runner that captures output.
#pragma once
#include <string>
#include <vector>

namespace harness {

std::string repo_root();                 // the checkout this test binary was built in
std::string shim_path();                 // preload/libshim.so
std::string analyzer_path();             // analyzer/analyzer
std::string words_path();                // workloads/words
std::string book_path();                 // ../shared/data/moby.txt
std::string program_path(const std::string& name);  // tests/programs/NAME

struct Result {
    int status = -1;   // exit code, or 128 + signal
    std::string out;   // stdout
    std::string err;   // stderr
};

// Runs `command` with /bin/sh in `dir`; stdin from /dev/null unless the
// command redirects it.
Result run(const std::string& command, const std::string& dir);

// run(), the command under GNU time: the peak resident memory of the
// program itself (`command` is one program with its arguments; prefix
// environment settings with `env`). A fork's own copy of this big test
// process would count in a plain wait4's figure.
Result run_measured(const std::string& command, const std::string& dir, long& peak_rss_kb);

// A fresh empty directory under tests/work/, named after the test.
std::string scratch_dir(const std::string& name);

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& data);
// tests/tools/check_schema.py on JSON reports in `dir` (space-separated
// names) against analyzer/report.schema.json: status 0 when they fit.
Result check_report_schema(const std::string& documents, const std::string& dir);

// `text` split at newlines (the last line's newline optional).
std::vector<std::string> lines_of(const std::string& text);

// The 1-based line of the first line in `file` containing `needle`; 0 if none.
int line_of(const std::string& file, const std::string& needle);

// "LD_PRELOAD=<shim> " to put before a command.
std::string preload();

}  // namespace harness
