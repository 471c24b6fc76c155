#include "unwinder_pipe.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace shim {

std::atomic<int> g_unwinder_pipe[2] = {{-1}, {-1}};

namespace {

std::atomic<uint64_t> g_code_lo{0}, g_code_hi{0};
std::atomic<uint64_t> g_pipe_inode{0};  // both ends of a pipe share its inode

void close_fd(int fd) { syscall(SYS_close, fd); }  // not through our own close hook

bool is_our_pipe(int fd, uint64_t inode) {
    struct stat st;
    return fd >= 0 && fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode) && uint64_t(st.st_ino) == inode;
}

// The lowest number of the top 16 below the limit or 1024, whichever is
// lower: a program fills descriptors from the bottom, so it reaches these
// last. Not higher: the kernel's descriptor table grows to the highest number
// open, and every fork copies it. At a limit of 20,000 the pipe at 19,984 made
// each fork of a shell copy a 32,768-slot table (dup_fd: a sixth of what the
// shim cost a shell loop of /bin/true); at 2^20 it would be 8 MiB a process.
// 1024 is also select()'s FD_SETSIZE, the old default limit.
int top_of_range() {
    constexpr long kCeiling = 1024;
    rlimit limit;
    long top = kCeiling;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
        limit.rlim_cur < static_cast<rlim_t>(kCeiling))
        top = static_cast<long>(limit.rlim_cur);
    return top > 32 ? static_cast<int>(top - 16) : 3;
}

}  // namespace

void unwinder_set_code_range(uint64_t lo, uint64_t hi) {
    g_code_hi.store(hi, std::memory_order_relaxed);
    g_code_lo.store(lo, std::memory_order_release);
}

bool called_from_unwinder(const void* return_address) {
    uint64_t at = reinterpret_cast<uint64_t>(return_address);
    uint64_t lo = g_code_lo.load(std::memory_order_acquire);
    return lo != 0 && at >= lo && at < g_code_hi.load(std::memory_order_relaxed);
}

int unwinder_pipe_open(int fds[2], int flags, int (*real_pipe2)(int*, int)) {
    int low[2];
    if (real_pipe2(low, flags) != 0) return -1;
    int floor = top_of_range();
    int high[2] = {fcntl(low[0], F_DUPFD_CLOEXEC, floor), -1};
    if (high[0] >= 0) high[1] = fcntl(low[1], F_DUPFD_CLOEXEC, high[0] + 1);
    close_fd(low[0]);
    close_fd(low[1]);
    if (high[1] < 0) {  // no room up there: no pipe, rather than one at the program's numbers
        if (high[0] >= 0) close_fd(high[0]);
        errno = EMFILE;
        return -1;
    }
    struct stat st;
    fstat(high[0], &st);
    g_pipe_inode.store(st.st_ino, std::memory_order_relaxed);
    g_unwinder_pipe[0].store(high[0], std::memory_order_relaxed);
    g_unwinder_pipe[1].store(high[1], std::memory_order_relaxed);
    fds[0] = high[0];
    fds[1] = high[1];
    return 0;
}

bool unwinder_pipe_intact() {
    uint64_t inode = g_pipe_inode.load(std::memory_order_relaxed);
    return is_our_pipe(g_unwinder_pipe[0].load(std::memory_order_relaxed), inode) &&
           is_our_pipe(g_unwinder_pipe[1].load(std::memory_order_relaxed), inode);
}

int unwinder_pipe_close(int fd) {
    if (is_our_pipe(fd, g_pipe_inode.load(std::memory_order_relaxed))) close_fd(fd);
    for (auto& end : g_unwinder_pipe) {
        int expected = fd;
        end.compare_exchange_strong(expected, -1, std::memory_order_relaxed);
    }
    return 0;
}

}  // namespace shim
