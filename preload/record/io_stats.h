// Per-thread I/O counters, one entry per (file, call site, syscall), merged
// into IoSite records when the log is written. The hot path takes no lock,
// allocates nothing and makes no syscall beyond the intercepted one.
#pragma once
#include <sys/types.h>
#include <cstdint>

#include "../../format/log_format.h"
#include "../clock.h"
#include "../hooks/interpose.h"
#include "recording.h"
#include "stdio_streams.h"

namespace shim {

// For a syscall stdio made: which stream state and stdio call it was for.
struct StreamState {
    uint8_t caused_by;   // Syscall id + 1 of the hooked stdio call, 0 none
    uint8_t buffering;   // shimlog::StreamBuffering
    uint32_t buffer_size;
};

// Which calls are timed. Two clock reads cost ~16 ns here, as much as the
// rest of the hook: so an entry (file, call site, syscall) times its first
// calls, then one call in a random gap that grows with the calls timed (and
// every call while its calls average ~20 us or more: then the clock is cheap).
// The choice is made before the call, from this thread's previous entry: a
// call at its site and descriptor while that entry owes untimed calls is not
// timed; anything else is (io_stats.cpp keeps the hint).
struct IoTimingHint {
    uint64_t site;                 // 0: none
    const uint32_t* untimed_left;  // that entry's countdown
    void* slot;                    // that entry (io_stats.cpp): an untimed call most likely counts there too
    int fd;
    uint8_t syscall;
};
extern __thread IoTimingHint t_io_hint __attribute__((tls_model("initial-exec")));

inline bool io_call_timed(int fd, shimlog::Syscall syscall, uint64_t site) {
    const IoTimingHint& hint = t_io_hint;
    return hint.site != site || hint.fd != fd || hint.syscall != static_cast<uint8_t>(syscall) ||
           *hint.untimed_left == 0;
}

// The fast lane, for the hooks (traced_call.h): a program call (not the
// shim's own) that will not be timed, so none of IoCall's state is needed.
// `site` is never 0, so a hint that matches it has its countdown.
inline bool io_untimed_call(int fd, shimlog::Syscall syscall, uint64_t site) {
    return t_guard_depth == 0 && !io_call_timed(fd, syscall, site);
}

// Counts such a call once it returned (the hook has counted it for the
// kernel's comparison, thread_kernel_io.h): in the slot its site and
// descriptor used last when it can tell, else as IoCall::finish does.
// Returns `result` (so that the hook can end in a tail call).
ssize_t io_count_untimed(int fd, shimlog::Syscall syscall, uint64_t site, uint64_t requested, int64_t offset,
                         ssize_t result);

// Brackets one intercepted call: construct before the real call, finish after.
class IoCall {
public:
    // offset: explicit file offset (pread-style), or -1 for the current position.
    IoCall(int fd, shimlog::Syscall syscall, uint64_t requested, int64_t offset, void* site)
        : fd_(fd), syscall_(syscall), active_(t_guard_depth == 0 && recording()), timed_(false), requested_(requested),
          offset_(offset), site_(reinterpret_cast<uint64_t>(site)), start_ticks_(0) {
        if (active_ && io_call_timed(fd, syscall, site_)) {
            timed_ = true;
            start_ticks_ = now_ticks();
        }
    }
    // For a hook that tested recording() itself (traced_call.h): one load of the flag, not two.
    struct RecordingOn {};
    IoCall(RecordingOn, int fd, shimlog::Syscall syscall, uint64_t requested, int64_t offset, void* site)
        : fd_(fd), syscall_(syscall), active_(t_guard_depth == 0), timed_(false), requested_(requested),
          offset_(offset), site_(reinterpret_cast<uint64_t>(site)), start_ticks_(0) {
        if (active_ && io_call_timed(fd, syscall, site_)) {
            timed_ = true;
            start_ticks_ = now_ticks();
        }
    }
    // A stream's refill or flush (stdio_streams.h): counted with its cause.
    void made_by_stream(const StreamState& stream) { stream_ = stream; }
    // Records the call's outcome; keeps errno as the real call left it.
    void finish(ssize_t result);

private:
    bool count_again(ssize_t result);

    int fd_;
    shimlog::Syscall syscall_;
    bool active_;
    bool timed_;
    uint64_t requested_;
    int64_t offset_;
    uint64_t site_;
    uint64_t start_ticks_;
    StreamState stream_{};
};

// A stdio library call (fread, fputs, printf, fflush, ...): counted per file
// and call site like a syscall, but not timed. Two clock reads (rdtsc traps
// to ~20 ns on this kind of VM) cost as much as a buffered printf; the
// syscalls stdio makes inside libc are counted by the kernel (kernel_io.h).
// While it lasts, the syscalls its stream makes are counted as its own.
class StdioCall {
public:
    StdioCall(int fd, shimlog::Syscall syscall, uint64_t requested, void* site)
        : fd_(fd), syscall_(syscall), active_(t_guard_depth == 0 && recording()), requested_(requested),
          site_(reinterpret_cast<uint64_t>(site)), outer_(t_stdio_cause) {
        if (active_) t_stdio_cause = {site_, static_cast<uint8_t>(static_cast<uint8_t>(syscall) + 1)};
    }
    void finish(ssize_t result);

private:
    int fd_;
    shimlog::Syscall syscall_;
    bool active_;
    uint64_t requested_;
    uint64_t site_;
    StdioCause outer_;
};

// The destination of a two-descriptor transfer (copy_file_range, sendfile,
// splice), after its source's IoCall finished: counted, not timed again.
void io_record_destination(int fd, shimlog::Syscall syscall, int64_t offset, ssize_t result, void* site);

// Writes the merged counters as IoSite records (inside log_flush).
void io_write_snapshot();

// Calls counted so far by this process (since its fork, in a child).
uint64_t io_calls_recorded();

// In a fork child: the child's log counts the child's I/O only.
void io_after_fork_child();
// A new recording window: every counter back to 0, the entries kept.
void io_reset_counters();

// Creates the key whose destructor hands a finished thread's table on.
void io_init();

}  // namespace shim
