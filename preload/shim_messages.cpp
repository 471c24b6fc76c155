#include "shim_messages.h"

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <unistd.h>

#include "interpose.h"

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

}  // namespace shim
