#include "terminal.h"

#include <cstdlib>
#include <unistd.h>

namespace analyzer {

bool colour_wanted(int fd) {
    const char* no_colour = getenv("NO_COLOR");
    if (no_colour != nullptr && no_colour[0] != '\0') return false;
    const char* term = getenv("TERM");
    if (term != nullptr && std::string(term) == "dumb") return false;
    return isatty(fd) == 1;
}

std::string paint(const std::string& text, Paint paint, bool colour) {
    if (!colour) return text;
    const char* code = "";
    switch (paint) {
        case Paint::Heading: code = "\033[1m"; break;      // bold
        case Paint::Warning: code = "\033[1;33m"; break;   // bold yellow
        case Paint::Better: code = "\033[32m"; break;      // green
        case Paint::Worse: code = "\033[31m"; break;       // red
    }
    return code + text + "\033[0m";
}

}  // namespace analyzer
