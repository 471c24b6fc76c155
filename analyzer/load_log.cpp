#include "load_log.h"

#include <sys/stat.h>

namespace analyzer {

uint64_t file_size(const std::string& path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) ? uint64_t(st.st_size) : 0;
}

Log load_log(const std::string& path, Progress& progress) {
    // The file is mapped, not read: decoding walks the record headers and
    // leaves the allocation chunks for the analysis to stream.
    if (progress.shown()) progress.stage("decoding " + path);
    return decode_log_file(path);
}

}  // namespace analyzer
