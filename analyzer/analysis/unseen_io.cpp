#include "unseen_io.h"

#include <algorithm>
#include <map>

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

namespace {

void fill(ThreadUnseenIo& t, const ThreadKernelIo& k) {
    t.reads = {k.read_calls, k.read_bytes, k.hooked_read_calls, k.hooked_read_bytes,
               k.own_read_calls, k.own_read_bytes, 0, 0};
    t.writes = {k.write_calls, k.write_bytes, k.hooked_write_calls, k.hooked_write_bytes,
                k.own_write_calls, k.own_write_bytes, 0, 0};
    settle(t.reads);
    settle(t.writes);
}

}  // namespace

// A live thread's reading is replaced by its next (a later checkpoint, or
// its end); a reading at its end closes it, and the same tid after that is
// a new thread. An end reading belongs to the first Thread record of its
// tid decoded after it (the shim writes the two one after the other).
ThreadsUnseenIo threads_unseen_io(const Log& log) {
    ThreadsUnseenIo out;
    std::map<uint32_t, std::vector<size_t>> lives;  // tid -> indexes in Log::threads
    for (size_t i = 0; i < log.threads.size(); ++i) lives[log.threads[i].tid].push_back(i);
    std::map<uint32_t, size_t> open;  // tid -> its live reading in out.threads
    bool unavailable = false;
    for (const ThreadKernelIo& k : log.thread_kernel_io) {
        if (k.status == shimlog::ThreadKernelIoStatus::NotAvailable) {
            unavailable = true;
            continue;
        }
        auto was = open.find(k.tid);
        size_t at = was != open.end() ? was->second : out.threads.size();
        if (at == out.threads.size()) out.threads.emplace_back();
        ThreadUnseenIo& t = out.threads[at];
        t.tid = k.tid;
        fill(t, k);
        if (k.status == shimlog::ThreadKernelIoStatus::Alive) {
            open[k.tid] = at;
            continue;
        }
        t.ended = true;
        if (was != open.end()) open.erase(was);
        auto life = lives.find(k.tid);
        if (life == lives.end()) continue;
        auto next = std::lower_bound(life->second.begin(), life->second.end(), k.threads_before);
        if (next != life->second.end()) t.thread = long(*next);
    }
    // Still alive at the last reading: the thread that was alive at exit.
    for (const auto& [tid, at] : open) {
        auto life = lives.find(tid);
        if (life != lives.end() && log.threads[life->second.back()].end == shimlog::ThreadEnd::AliveAtExit)
            out.threads[at].thread = long(life->second.back());
    }
    out.state = unavailable ? ThreadIoState::NotAvailable
                : out.threads.empty() ? ThreadIoState::NotRecorded : ThreadIoState::Known;
    return out;
}

}  // namespace analyzer
