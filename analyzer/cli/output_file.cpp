#include "output_file.h"

#include <iostream>

namespace analyzer {

OutputFile::OutputFile(const std::string& path, const char* means_stdout)
    : path_(path), to_stdout_(means_stdout != nullptr && path == means_stdout) {
    if (to_stdout_) return;
    file_.open(path, std::ios::binary | std::ios::trunc);
    if (!file_) {
        std::cerr << "analyzer: cannot write " << path << "\n";
        opened_ = false;
    }
}

std::ostream& OutputFile::stream() { return to_stdout_ ? std::cout : file_; }

bool OutputFile::finish(const char* failure) {
    std::ostream& out = stream();
    out.flush();
    if (!to_stdout_) file_.close();
    if (!out) {
        std::cerr << "analyzer: " << failure << " " << (to_stdout_ ? "stdout" : path_) << "\n";
        return false;
    }
    return true;
}

}  // namespace analyzer
