#include "unseen_io.h"

namespace analyzer {
namespace {

uint64_t less(uint64_t a, uint64_t b) { return a > b ? a - b : 0; }

void settle(IoDirection& d) {
    d.unseen_calls = less(d.kernel_calls, d.hooked_calls + d.own_calls);
    d.unseen_bytes = less(d.kernel_bytes, d.hooked_bytes + d.own_bytes);
}

}  // namespace

UnseenIo unseen_io(const Log& log) {
    UnseenIo u;
    const KernelIo& k = log.kernel_io;
    if (!k.present) return u;
    u.known = true;
    u.reads = {k.read_calls, k.read_bytes, 0, 0, k.own_read_calls, k.own_read_bytes, 0, 0};
    u.writes = {k.write_calls, k.write_bytes, 0, 0, k.own_write_calls, k.own_write_bytes, 0, 0};
    for (const IoSite& site : log.io_sites) {
        if (shimlog::is_stdio(site.syscall)) continue;  // library calls, not syscalls
        // The kernel counts splice in neither column (sendfile and copy_file_range in both).
        if (site.syscall == shimlog::Syscall::splice || site.syscall == shimlog::Syscall::splice_out) continue;
        IoDirection& d = shimlog::is_write(site.syscall) ? u.writes : u.reads;
        d.hooked_calls += site.calls;
        d.hooked_bytes += site.bytes_done;
    }
    settle(u.reads);
    settle(u.writes);
    return u;
}

}  // namespace analyzer
