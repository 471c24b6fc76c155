#include "shim_library.h"

#include <climits>
#include <cstdlib>
#include <unistd.h>

namespace analyzer {
namespace {

std::string directory_of_this_program() {
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return "";
    std::string path(exe, size_t(n));
    return path.substr(0, path.rfind('/'));
}

// The canonical absolute path when `path` is a readable file; empty otherwise.
std::string usable(const std::string& path) {
    char resolved[PATH_MAX];
    if (access(path.c_str(), R_OK) != 0 || realpath(path.c_str(), resolved) == nullptr) return "";
    return resolved;
}

}  // namespace

std::string find_shim_library(std::vector<std::string>& tried) {
    const char* configured = getenv("SHIM_LIBRARY");
    if (configured != nullptr && configured[0] != '\0') {
        tried.push_back(std::string("$SHIM_LIBRARY (") + configured + ")");
        return usable(configured);  // set but wrong: say so rather than load another copy
    }
    std::string dir = directory_of_this_program();
    for (const char* relative : {"/../preload/libshim.so", "/../lib/shim/libshim.so"}) {
        std::string candidate = dir + relative;
        tried.push_back(candidate);
        std::string found = usable(candidate);
        if (!found.empty()) return found;
    }
    return "";
}

}  // namespace analyzer
