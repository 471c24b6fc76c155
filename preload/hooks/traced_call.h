// What every read and write hook does around the real call: counts it in the
// fast lane when it is not to be timed (io_count_untimed), else brackets it
// with an IoCall that times and counts it (io_stats.h); the syscall issued
// directly where glibc's wrapper would add nothing (direct_syscall.h). Shared
// by hooks_read.cpp and hooks_write.cpp.
#pragma once
#include <cstdint>
#include <sys/uio.h>
#include <unistd.h>

#include "../record/io_stats.h"
#include "../record/thread_kernel_io.h"
#include "../record/recording.h"
#include "direct_syscall.h"
#include "interpose.h"

// The program's call site: our caller's return address.
#define CALL_SITE __builtin_return_address(0)

namespace shim {

// The fast lane's count for this thread beside the kernel's, as
// kernel_io_count_hooked does, here where the syscall is a constant.
inline __attribute__((always_inline)) void count_for_kernel(shimlog::Syscall syscall, ssize_t result) {
    if (!shimlog::is_stdio(syscall) && syscall != shimlog::Syscall::splice && syscall != shimlog::Syscall::splice_out)
        thread_io_add(t_thread_io.hooked, shimlog::is_write(syscall), result);
}

// A call that is timed, or the shim's own: bracketed by an IoCall, out of the
// hook's line so that the fast lane keeps a small frame.
template <typename Fn, typename... Args>
__attribute__((noinline)) ssize_t traced_fully(Fn fn, void* site, shimlog::Syscall syscall, int fd,
                                               uint64_t requested, int64_t offset, Args... args) {
    IoCall call(IoCall::RecordingOn{}, fd, syscall, requested, offset, site);
    ssize_t result = fn(args...);
    call.finish(result);
    return result;
}

template <typename Fn, typename... Args>
__attribute__((noinline)) ssize_t traced_fully_direct(Fn fn, DirectSyscall& direct, void* site,
                                                      shimlog::Syscall syscall, int fd, uint64_t requested,
                                                      int64_t offset, Args... args) {
    IoCall call(IoCall::RecordingOn{}, fd, syscall, requested, offset, site);
    ssize_t result = direct.usable(reinterpret_cast<void*>(fn)) ? direct.issue(long(args)...) : fn(args...);
    call.finish(result);
    return result;
}

// Runs the real call and counts it (io_stats.h). `offset` is -1 for calls at
// the current position.
template <typename Fn, typename... Args>
inline __attribute__((always_inline)) ssize_t traced(RealFunction<Fn>& real, void* site,
                                                     shimlog::Syscall syscall, int fd, uint64_t requested,
                                                     int64_t offset, Args... args) {
    Fn fn = real.get();
    if (__builtin_expect(!recording(), 0)) return fn(args...);  // paused: the flag test alone
    if (__builtin_expect(io_untimed_call(fd, syscall, reinterpret_cast<uint64_t>(site)), 1)) {
        ssize_t result = fn(args...);
        count_for_kernel(syscall, result);
        return io_count_untimed(fd, syscall, reinterpret_cast<uint64_t>(site), requested, offset, result);
    }
    return traced_fully(fn, site, syscall, fd, requested, offset, args...);
}

// As traced, for a wrapper whose syscall takes the same arguments: issues it
// directly when it may, so that no return mispredicts after it.
template <typename Fn, typename... Args>
inline __attribute__((always_inline)) ssize_t traced_direct(RealFunction<Fn>& real, DirectSyscall& direct,
                                                            void* site, shimlog::Syscall syscall, int fd,
                                                            uint64_t requested, int64_t offset, Args... args) {
    Fn fn = real.get();
    if (__builtin_expect(!recording(), 0))  // paused: the flag test alone
        return direct.usable(reinterpret_cast<void*>(fn)) ? direct.issue(long(args)...) : fn(args...);
    if (__builtin_expect(io_untimed_call(fd, syscall, reinterpret_cast<uint64_t>(site)), 1)) {
        ssize_t result = direct.usable(reinterpret_cast<void*>(fn)) ? direct.issue(long(args)...) : fn(args...);
        count_for_kernel(syscall, result);
        return io_count_untimed(fd, syscall, reinterpret_cast<uint64_t>(site), requested, offset, result);
    }
    return traced_fully_direct(fn, direct, site, syscall, fd, requested, offset, args...);
}

inline uint64_t iov_bytes(const iovec* iov, int count) {
    uint64_t total = 0;
    for (int i = 0; iov != nullptr && i < count; ++i) total += iov[i].iov_len;
    return total;
}

}  // namespace shim
