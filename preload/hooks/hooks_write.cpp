// The write family: as the read family (hooks_read.cpp), each hook calls the
// real function between the two halves of an IoCall.
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "traced_call.h"

using shim::DirectSyscall;
using shim::RealFunction;
using shim::iov_bytes;
using shim::traced;
using shim::traced_direct;
using shimlog::Syscall;

extern "C" {
#pragma GCC visibility push(default)  // the hooks: what the program links to

ssize_t write(int fd, const void* buf, size_t count) {
    static RealFunction<ssize_t (*)(int, const void*, size_t)> real("write");
    static DirectSyscall direct("write", SYS_write);
    return traced_direct(real, direct, CALL_SITE, Syscall::write, fd, count, -1, fd, buf, count);
}

ssize_t pwrite(int fd, const void* buf, size_t count, off_t offset) {
    static RealFunction<ssize_t (*)(int, const void*, size_t, off_t)> real("pwrite");
    static DirectSyscall direct("pwrite", SYS_pwrite64);
    return traced_direct(real, direct, CALL_SITE, Syscall::pwrite64, fd, count, offset, fd, buf, count, offset);
}

ssize_t pwrite64(int fd, const void* buf, size_t count, off64_t offset) {
    static RealFunction<ssize_t (*)(int, const void*, size_t, off64_t)> real("pwrite64");
    static DirectSyscall direct("pwrite64", SYS_pwrite64);
    return traced_direct(real, direct, CALL_SITE, Syscall::pwrite64, fd, count, offset, fd, buf, count, offset);
}

ssize_t writev(int fd, const iovec* iov, int iovcnt) {
    static RealFunction<ssize_t (*)(int, const iovec*, int)> real("writev");
    static DirectSyscall direct("writev", SYS_writev);
    return traced_direct(real, direct, CALL_SITE, Syscall::writev, fd, iov_bytes(iov, iovcnt), -1, fd, iov, iovcnt);
}

ssize_t pwritev(int fd, const iovec* iov, int iovcnt, off_t offset) {
    static RealFunction<ssize_t (*)(int, const iovec*, int, off_t)> real("pwritev");
    return traced(real, CALL_SITE, Syscall::pwritev, fd, iov_bytes(iov, iovcnt), offset, fd, iov, iovcnt, offset);
}

ssize_t pwritev64(int fd, const iovec* iov, int iovcnt, off64_t offset) {
    static RealFunction<ssize_t (*)(int, const iovec*, int, off64_t)> real("pwritev64");
    return traced(real, CALL_SITE, Syscall::pwritev, fd, iov_bytes(iov, iovcnt), offset, fd, iov, iovcnt, offset);
}

ssize_t pwritev2(int fd, const iovec* iov, int iovcnt, off_t offset, int flags) {
    static RealFunction<ssize_t (*)(int, const iovec*, int, off_t, int)> real("pwritev2");
    return traced(real, CALL_SITE, Syscall::pwritev2, fd, iov_bytes(iov, iovcnt), offset, fd, iov, iovcnt, offset, flags);
}

ssize_t pwritev64v2(int fd, const iovec* iov, int iovcnt, off64_t offset, int flags) {
    static RealFunction<ssize_t (*)(int, const iovec*, int, off64_t, int)> real("pwritev64v2");
    return traced(real, CALL_SITE, Syscall::pwritev2, fd, iov_bytes(iov, iovcnt), offset, fd, iov, iovcnt, offset, flags);
}

#pragma GCC visibility pop
}  // extern "C"
