// Descriptor lifetime: calls that end a descriptor or hand out a new one make
// the shim forget what it knew, so a reused number never mixes two files.
// lseek tells it where the next read() starts. No I/O is recorded here.
#include <cstdarg>
#include <cstdio>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../record/files.h"
#include "interpose.h"
#include "../record/unwinder_pipe.h"

using shim::forget_fd;
using shim::RealFunction;

namespace {

int fresh(int fd) {
    if (fd >= 0) forget_fd(fd);
    return fd;
}

FILE* fresh(FILE* stream) {
    if (stream != nullptr) forget_fd(fileno(stream));
    return stream;
}

// open's third argument exists only when the flags create a file.
mode_t mode_argument(int flags, va_list args) {
    return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? va_arg(args, mode_t) : 0;
}

}  // namespace

extern "C" {
#pragma GCC visibility push(default)  // the hooks: what the program links to

int open(const char* path, int flags, ...) {
    static RealFunction<int (*)(const char*, int, ...)> real("open");
    va_list args;
    va_start(args, flags);
    mode_t mode = mode_argument(flags, args);
    va_end(args);
    return fresh(real.get()(path, flags, mode));
}

int open64(const char* path, int flags, ...) {
    static RealFunction<int (*)(const char*, int, ...)> real("open64");
    va_list args;
    va_start(args, flags);
    mode_t mode = mode_argument(flags, args);
    va_end(args);
    return fresh(real.get()(path, flags, mode));
}

int openat(int dirfd, const char* path, int flags, ...) {
    static RealFunction<int (*)(int, const char*, int, ...)> real("openat");
    va_list args;
    va_start(args, flags);
    mode_t mode = mode_argument(flags, args);
    va_end(args);
    return fresh(real.get()(dirfd, path, flags, mode));
}

int openat64(int dirfd, const char* path, int flags, ...) {
    static RealFunction<int (*)(int, const char*, int, ...)> real("openat64");
    va_list args;
    va_start(args, flags);
    mode_t mode = mode_argument(flags, args);
    va_end(args);
    return fresh(real.get()(dirfd, path, flags, mode));
}

int creat(const char* path, mode_t mode) {
    static RealFunction<int (*)(const char*, mode_t)> real("creat");
    return fresh(real.get()(path, mode));
}

FILE* fopen(const char* path, const char* mode) {
    static RealFunction<FILE* (*)(const char*, const char*)> real("fopen");
    return fresh(real.get()(path, mode));
}

FILE* fopen64(const char* path, const char* mode) {
    static RealFunction<FILE* (*)(const char*, const char*)> real("fopen64");
    return fresh(real.get()(path, mode));
}

FILE* freopen(const char* path, const char* mode, FILE* stream) {
    static RealFunction<FILE* (*)(const char*, const char*, FILE*)> real("freopen");
    return fresh(real.get()(path, mode, stream));
}

int socket(int domain, int type, int protocol) {
    static RealFunction<int (*)(int, int, int)> real("socket");
    return fresh(real.get()(domain, type, protocol));
}

int accept(int fd, sockaddr* addr, socklen_t* len) {
    static RealFunction<int (*)(int, sockaddr*, socklen_t*)> real("accept");
    return fresh(real.get()(fd, addr, len));
}

int accept4(int fd, sockaddr* addr, socklen_t* len, int flags) {
    static RealFunction<int (*)(int, sockaddr*, socklen_t*, int)> real("accept4");
    return fresh(real.get()(fd, addr, len, flags));
}

int pipe(int fds[2]) {
    static RealFunction<int (*)(int*)> real("pipe");
    int result = real.get()(fds);
    if (result == 0) fresh(fds[0]), fresh(fds[1]);
    return result;
}

int pipe2(int fds[2], int flags) {
    static RealFunction<int (*)(int*, int)> real("pipe2");
    if (shim::called_from_unwinder(__builtin_return_address(0)))
        return shim::unwinder_pipe_open(fds, flags, real.get());  // unwinder_pipe.h
    int result = real.get()(fds, flags);
    if (result == 0) fresh(fds[0]), fresh(fds[1]);
    return result;
}

int dup(int fd) {
    static RealFunction<int (*)(int)> real("dup");
    return fresh(real.get()(fd));
}

int dup2(int fd, int target) {
    static RealFunction<int (*)(int, int)> real("dup2");
    return fresh(real.get()(fd, target));
}

int dup3(int fd, int target, int flags) {
    static RealFunction<int (*)(int, int, int)> real("dup3");
    return fresh(real.get()(fd, target, flags));
}

int close(int fd) {
    static RealFunction<int (*)(int)> real("close");
    if (__builtin_expect(shim::is_unwinder_pipe(fd), 0) && shim::called_from_unwinder(__builtin_return_address(0)))
        return shim::unwinder_pipe_close(fd);
    forget_fd(fd);
    return real.get()(fd);
}

int close_range(unsigned first, unsigned last, int flags) {
    static RealFunction<int (*)(unsigned, unsigned, int)> real("close_range");
    // Forget a bounded span: the table only tracks descriptors below 65536.
    for (unsigned fd = first; fd <= last && fd < (1u << 16); ++fd) forget_fd(static_cast<int>(fd));
    return real.get()(first, last, flags);
}

// glibc's fclose closes the descriptor internally, out of our sight.
int fclose(FILE* stream) {
    static RealFunction<int (*)(FILE*)> real("fclose");
    if (stream != nullptr) forget_fd(fileno(stream));
    return real.get()(stream);
}

off_t lseek(int fd, off_t offset, int whence) {
    static RealFunction<off_t (*)(int, off_t, int)> real("lseek");
    off_t position = real.get()(fd, offset, whence);
    if (position >= 0) shim::set_fd_position(fd, position);
    return position;
}

off64_t lseek64(int fd, off64_t offset, int whence) {
    static RealFunction<off64_t (*)(int, off64_t, int)> real("lseek64");
    off64_t position = real.get()(fd, offset, whence);
    if (position >= 0) shim::set_fd_position(fd, position);
    return position;
}

#pragma GCC visibility pop
}  // extern "C"
