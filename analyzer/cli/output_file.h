// Where a subcommand writes: a file (-o) or stdout, and the one line said
// when the file cannot be opened or written (the caller then exits 2).
#pragma once
#include <fstream>
#include <ostream>
#include <string>

namespace analyzer {

class OutputFile {
public:
    // `path` equal to `means_stdout` ("" or "-"; null: none) is stdout.
    // A file is replaced, never appended to.
    explicit OutputFile(const std::string& path, const char* means_stdout = "");

    // False after "analyzer: cannot write PATH" when the file cannot be made.
    bool opened() const { return opened_; }
    bool is_stdout() const { return to_stdout_; }
    std::ostream& stream();

    // Flushes (and closes a file): false after "analyzer: error writing PATH"
    // ("stdout") when some of it was not written; `failure` words it otherwise.
    bool finish(const char* failure = "error writing");

private:
    std::string path_;
    bool to_stdout_ = false;
    bool opened_ = true;
    std::ofstream file_;
};

}  // namespace analyzer
