#include "load_log.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sys/stat.h>

namespace analyzer {

uint64_t file_size(const std::string& path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) ? uint64_t(st.st_size) : 0;
}

Log load_log(const std::string& path, Progress& progress) {
    if (!progress.shown()) return decode_log_file(path);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw LogError(path + ": " + strerror(errno));
    uint64_t expected = file_size(path);
    std::string bytes;
    bytes.reserve(expected);
    constexpr size_t kBlock = 8u << 20;
    std::string block(kBlock, '\0');
    while (in) {
        in.read(&block[0], kBlock);
        bytes.append(block.data(), size_t(in.gcount()));
        progress.update("reading " + path, expected ? double(bytes.size()) / double(expected) : 0);
    }
    if (in.bad()) throw LogError(path + ": read error");
    progress.stage("decoding " + path);
    return decode_log(bytes, path);
}

}  // namespace analyzer
