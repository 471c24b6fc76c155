// Calls that move data between two descriptors inside the kernel. Programs
// such as coreutils' cat use them when both ends are files, so without these
// hooks a copy would look like no I/O at all. The source side is timed; the
// destination side is counted (io_stats.h).
#include <fcntl.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include "interpose.h"
#include "../record/io_stats.h"

using shim::IoCall;
using shim::RealFunction;
using shimlog::Syscall;

namespace {

// The offset a transfer starts at: the pointed-to value, or -1 for the
// descriptor's current position.
template <typename Offset>
int64_t start_offset(const Offset* offset) {
    return offset != nullptr ? static_cast<int64_t>(*offset) : -1;
}

// sendfile and sendfile64 differ only in the offset's type.
template <typename Fn, typename Offset>
ssize_t traced_sendfile(RealFunction<Fn>& real, void* site, int out, int in, Offset* offset, size_t count) {
    IoCall call(in, Syscall::sendfile, count, start_offset(offset), site);
    ssize_t result = real.get()(out, in, offset, count);
    call.finish(result);
    shim::io_record_destination(out, Syscall::sendfile_out, -1, result, site);
    return result;
}

// copy_file_range and splice take the same arguments and differ only in the
// syscall each side is counted as.
template <typename Fn>
ssize_t traced_range_copy(RealFunction<Fn>& real, void* site, Syscall source, Syscall destination, int in,
                          off64_t* in_offset, int out, off64_t* out_offset, size_t length, unsigned int flags) {
    int64_t from = start_offset(in_offset), to = start_offset(out_offset);
    IoCall call(in, source, length, from, site);
    ssize_t result = real.get()(in, in_offset, out, out_offset, length, flags);
    call.finish(result);
    shim::io_record_destination(out, destination, to, result, site);
    return result;
}

}  // namespace

extern "C" {
#pragma GCC visibility push(default)  // the hooks: what the program links to

ssize_t copy_file_range(int in, off64_t* in_offset, int out, off64_t* out_offset, size_t length,
                        unsigned int flags) {
    static RealFunction<ssize_t (*)(int, off64_t*, int, off64_t*, size_t, unsigned int)> real("copy_file_range");
    return traced_range_copy(real, __builtin_return_address(0), Syscall::copy_file_range,
                             Syscall::copy_file_range_out, in, in_offset, out, out_offset, length, flags);
}

ssize_t sendfile(int out, int in, off_t* offset, size_t count) {
    static RealFunction<ssize_t (*)(int, int, off_t*, size_t)> real("sendfile");
    return traced_sendfile(real, __builtin_return_address(0), out, in, offset, count);
}

ssize_t sendfile64(int out, int in, off64_t* offset, size_t count) {
    static RealFunction<ssize_t (*)(int, int, off64_t*, size_t)> real("sendfile64");
    return traced_sendfile(real, __builtin_return_address(0), out, in, offset, count);
}

ssize_t splice(int in, off64_t* in_offset, int out, off64_t* out_offset, size_t length, unsigned int flags) {
    static RealFunction<ssize_t (*)(int, off64_t*, int, off64_t*, size_t, unsigned int)> real("splice");
    return traced_range_copy(real, __builtin_return_address(0), Syscall::splice, Syscall::splice_out, in, in_offset,
                             out, out_offset, length, flags);
}

#pragma GCC visibility pop
}  // extern "C"
