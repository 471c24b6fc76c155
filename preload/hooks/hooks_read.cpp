// The read family. Each hook calls the real function between the two halves
// of an IoCall; everything else lives in io_stats.cpp. The busiest ones issue
// the syscall themselves when glibc's wrapper would add nothing to it
// (direct_syscall.h). The write family is in hooks_write.cpp.
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../record/unwinder_pipe.h"
#include "traced_call.h"

using shim::DirectSyscall;
using shim::RealFunction;
using shim::iov_bytes;
using shim::traced;
using shim::traced_direct;
using shimlog::Syscall;

extern "C" {
#pragma GCC visibility push(default)  // the hooks: what the program links to

ssize_t read(int fd, void* buf, size_t count) {
    static RealFunction<ssize_t (*)(int, void*, size_t)> real("read");
    // libunwind's check that its pipe is open, before each use: it must still be ours.
    if (__builtin_expect(shim::is_unwinder_pipe(fd), 0) && shim::called_from_unwinder(CALL_SITE) &&
        !shim::unwinder_pipe_intact()) {
        errno = EBADF;
        return -1;
    }
    static DirectSyscall direct("read", SYS_read);
    return traced_direct(real, direct, CALL_SITE, Syscall::read, fd, count, -1, fd, buf, count);
}

// Fortified builds (-D_FORTIFY_SOURCE) call these instead of read/pread.
ssize_t __read_chk(int fd, void* buf, size_t count, size_t buflen) {
    static RealFunction<ssize_t (*)(int, void*, size_t, size_t)> real("__read_chk");
    return traced(real, CALL_SITE, Syscall::read, fd, count, -1, fd, buf, count, buflen);
}

ssize_t pread(int fd, void* buf, size_t count, off_t offset) {
    static RealFunction<ssize_t (*)(int, void*, size_t, off_t)> real("pread");
    static DirectSyscall direct("pread", SYS_pread64);
    return traced_direct(real, direct, CALL_SITE, Syscall::pread64, fd, count, offset, fd, buf, count, offset);
}

ssize_t pread64(int fd, void* buf, size_t count, off64_t offset) {
    static RealFunction<ssize_t (*)(int, void*, size_t, off64_t)> real("pread64");
    static DirectSyscall direct("pread64", SYS_pread64);
    return traced_direct(real, direct, CALL_SITE, Syscall::pread64, fd, count, offset, fd, buf, count, offset);
}

ssize_t __pread_chk(int fd, void* buf, size_t count, off_t offset, size_t buflen) {
    static RealFunction<ssize_t (*)(int, void*, size_t, off_t, size_t)> real("__pread_chk");
    return traced(real, CALL_SITE, Syscall::pread64, fd, count, offset, fd, buf, count, offset, buflen);
}

ssize_t __pread64_chk(int fd, void* buf, size_t count, off64_t offset, size_t buflen) {
    static RealFunction<ssize_t (*)(int, void*, size_t, off64_t, size_t)> real("__pread64_chk");
    return traced(real, CALL_SITE, Syscall::pread64, fd, count, offset, fd, buf, count, offset, buflen);
}

ssize_t readv(int fd, const iovec* iov, int iovcnt) {
    static RealFunction<ssize_t (*)(int, const iovec*, int)> real("readv");
    static DirectSyscall direct("readv", SYS_readv);
    return traced_direct(real, direct, CALL_SITE, Syscall::readv, fd, iov_bytes(iov, iovcnt), -1, fd, iov, iovcnt);
}

ssize_t preadv(int fd, const iovec* iov, int iovcnt, off_t offset) {
    static RealFunction<ssize_t (*)(int, const iovec*, int, off_t)> real("preadv");
    return traced(real, CALL_SITE, Syscall::preadv, fd, iov_bytes(iov, iovcnt), offset, fd, iov, iovcnt, offset);
}

ssize_t preadv64(int fd, const iovec* iov, int iovcnt, off64_t offset) {
    static RealFunction<ssize_t (*)(int, const iovec*, int, off64_t)> real("preadv64");
    return traced(real, CALL_SITE, Syscall::preadv, fd, iov_bytes(iov, iovcnt), offset, fd, iov, iovcnt, offset);
}

// preadv2/pwritev2 take offset -1 to mean "the current position", as we do.
ssize_t preadv2(int fd, const iovec* iov, int iovcnt, off_t offset, int flags) {
    static RealFunction<ssize_t (*)(int, const iovec*, int, off_t, int)> real("preadv2");
    return traced(real, CALL_SITE, Syscall::preadv2, fd, iov_bytes(iov, iovcnt), offset, fd, iov, iovcnt, offset, flags);
}

ssize_t preadv64v2(int fd, const iovec* iov, int iovcnt, off64_t offset, int flags) {
    static RealFunction<ssize_t (*)(int, const iovec*, int, off64_t, int)> real("preadv64v2");
    return traced(real, CALL_SITE, Syscall::preadv2, fd, iov_bytes(iov, iovcnt), offset, fd, iov, iovcnt, offset, flags);
}

#pragma GCC visibility pop
}  // extern "C"
