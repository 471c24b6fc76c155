// What every read and write hook does around the real call: an IoCall that
// times and counts it (io_stats.h), the syscall issued directly where glibc's
// wrapper would add nothing (direct_syscall.h). Shared by hooks_read.cpp and
// hooks_write.cpp.
#pragma once
#include <cstdint>
#include <sys/uio.h>
#include <unistd.h>

#include "../record/io_stats.h"
#include "../record/recording.h"
#include "direct_syscall.h"
#include "interpose.h"

// The program's call site: our caller's return address.
#define CALL_SITE __builtin_return_address(0)

namespace shim {

// Runs the real call bracketed by an IoCall. `offset` is -1 for calls at the
// current position.
template <typename Fn, typename... Args>
inline __attribute__((always_inline)) ssize_t traced(RealFunction<Fn>& real, void* site,
                                                     shimlog::Syscall syscall, int fd, uint64_t requested,
                                                     int64_t offset, Args... args) {
    if (__builtin_expect(!recording(), 0)) return real.get()(args...);  // paused: the flag test alone
    IoCall call(IoCall::RecordingOn{}, fd, syscall, requested, offset, site);
    ssize_t result = real.get()(args...);
    call.finish(result);
    return result;
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
    IoCall call(IoCall::RecordingOn{}, fd, syscall, requested, offset, site);
    ssize_t result = direct.usable(reinterpret_cast<void*>(fn)) ? direct.issue(long(args)...) : fn(args...);
    call.finish(result);
    return result;
}

inline uint64_t iov_bytes(const iovec* iov, int count) {
    uint64_t total = 0;
    for (int i = 0; iov != nullptr && i < count; ++i) total += iov[i].iov_len;
    return total;
}

}  // namespace shim
