#include "shim_messages.h"

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <unistd.h>

#include "hooks/interpose.h"

namespace shim {

void say(const char* format, ...) {
    ReentryGuard guard;  // the shim's own write is not the program's
    int saved_errno = errno;
    char line[1024];
    int used = snprintf(line, sizeof line, "shim: ");
    va_list args;
    va_start(args, format);
    int n = vsnprintf(line + used, sizeof line - used - 1, format, args);
    va_end(args);
    if (n < 0) n = 0;
    used += n;
    if (used > static_cast<int>(sizeof line) - 2) used = sizeof line - 2;
    line[used++] = '\n';
    ssize_t ignored = ::write(STDERR_FILENO, line, used);
    (void)ignored;
    errno = saved_errno;
}

const char* shown_path(const char* path, char* buf, size_t cap) {
    constexpr size_t kKeep = 120;  // bytes of the path kept at each end when it is long
    size_t len = 0;
    while (path[len] != '\0') ++len;
    size_t used = 0;
    auto put = [&](const char* text) {
        for (; *text != '\0' && used + 1 < cap; ++text) buf[used++] = *text;
    };
    for (size_t i = 0; i < len; ++i) {
        if (len > 2 * kKeep && i == kKeep) {
            put("...");
            i = len - kKeep;
        }
        unsigned char c = static_cast<unsigned char>(path[i]);
        char piece[8] = {static_cast<char>(c), '\0'};
        if (c == '\n') snprintf(piece, sizeof piece, "\\n");
        else if (c < 0x20 || c == 0x7f) snprintf(piece, sizeof piece, "\\x%02x", c);
        put(piece);
    }
    buf[used] = '\0';
    return buf;
}

}  // namespace shim
