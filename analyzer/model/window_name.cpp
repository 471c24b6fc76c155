#include "window_name.h"

#include <cctype>

namespace analyzer {

std::string WindowName::label() const { return (snapshot ? "s" : "") + std::to_string(number); }

WindowName window_of_log(const std::string& path) {
    WindowName w;
    w.base = path;
    size_t dot = path.rfind('.');
    size_t slash = path.rfind('/');
    if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return w;
    std::string suffix = path.substr(dot + 1);
    if (suffix.size() < 2 || suffix.size() > 10 || (suffix[0] != 'w' && suffix[0] != 's')) return w;
    unsigned long n = 0;
    for (size_t i = 1; i < suffix.size(); ++i) {
        if (!isdigit(static_cast<unsigned char>(suffix[i]))) return w;
        n = n * 10 + static_cast<unsigned long>(suffix[i] - '0');
    }
    // w1 is never written (the run's log is window 1) and s0 does not exist.
    if (n == 0 || n > 1000000000UL || (suffix[0] == 'w' && n == 1)) return w;
    w.base = path.substr(0, dot);
    w.number = static_cast<unsigned>(n);
    w.snapshot = suffix[0] == 's';
    return w;
}

}  // namespace analyzer
