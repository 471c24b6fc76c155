// The analyzer's model of one log: plain structs, filled by decode, read by
// findings and views. Times are in nanoseconds of CLOCK_MONOTONIC.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../../format/log_format.h"
#include "module_info.h"

namespace analyzer {

class LogBytes;  // decode/log_bytes.h: the model only points into them

struct ProcessInfo {
    uint32_t pid = 0;
    uint32_t ppid = 0;
    bool parent_traced = false;  // a later process of a traced run
    std::string exe;
    std::vector<std::string> argv;
    uint64_t start_realtime_ns = 0;
    uint64_t start_ns = 0;
    uint64_t start_ticks = 0;

    // The arguments joined by spaces, or the executable when there are none.
    std::string command_line() const;  // the arguments joined by spaces
    std::string shell_command() const; // quoted as a shell would need them, to paste and run again
};

struct EndInfo {
    bool present = false;
    uint64_t end_ns = 0;
    uint64_t end_ticks = 0;
    int32_t exit_status = 0;
    shimlog::EndReason reason = shimlog::EndReason::Exit;
    uint64_t dropped = 0;
};

// A recording window (SHIM_START, analyzer ctl): this log covers only it.
struct WindowInfo {
    bool present = false;
    uint32_t index = 0;
    shimlog::WindowCause opened_by = shimlog::WindowCause::Start;
    shimlog::WindowCause closed_by = shimlog::WindowCause::CtlStop;
    uint64_t start_ns = 0;
    uint64_t end_ns = 0;
    uint64_t heap_at_start = 0;  // glibc malloc's bytes in use, all sites; 0: not known
    uint64_t heap_at_end = 0;
};
const char* window_cause_name(shimlog::WindowCause cause);

// The disk budget (SHIM_MAX_LOG_MB, the Budget record): absent when none.
// Sizes are the log's bytes at that moment; times CLOCK_MONOTONIC.
struct BudgetInfo {
    bool present = false;
    uint64_t limit_bytes = 0;
    uint64_t sampling_bytes = 0, sampling_ns = 0;  // 0: allocations were not sampled for the budget
    uint64_t sampling_seq = 0;  // allocation events from this sequence number on are samples
    uint64_t stopped_bytes = 0, stopped_ns = 0;    // 0: event records never stopped
    uint64_t alloc_events_unwritten = 0, records_unwritten = 0, bytes_unwritten = 0;
    uint64_t alloc_exact_unwritten = 0;  // of those, from before sampling: in no count
    bool sampled() const { return present && sampling_bytes != 0; }
    bool stopped() const { return present && stopped_bytes != 0; }
};

// The blocks live when the window opened (LiveBlocks records): allocated
// while recording, before this window. Absent in older logs, in window 1 of
// a process started running (nothing came before it), and without windows.
struct LiveAtStart {
    bool present = false;
    uint32_t flags = 0;         // shimlog::LiveBlocksFlags
    uint64_t total_blocks = 0;  // as the shim counted them: the parts add up to these
    uint64_t total_bytes = 0;
    std::vector<shimlog::LiveBlockEntry> blocks;
    // Opened after a pause: blocks allocated then are not listed, and a listed
    // block may have been freed then.
    bool after_pause() const { return (flags & shimlog::kLiveBlocksAfterPause) != 0; }
    bool incomplete() const { return (flags & shimlog::kLiveBlocksIncomplete) != 0; }
};

struct FileInfo {
    uint32_t id = 0;
    int32_t fd = -1;
    shimlog::FileKind kind = shimlog::FileKind::Unknown;
    std::string path;
    // How reports name it: its path, or "fd N" when it has none.
    std::string name() const { return path.empty() ? "fd " + std::to_string(fd) : path; }
};

// Counters of one (file, call site, syscall); times already in nanoseconds.
struct IoSite {
    uint32_t file_id = 0;
    uint32_t stack_id = 0;
    uint64_t site = 0;
    shimlog::Syscall syscall = shimlog::Syscall::read;
    // A refill or flush stdio made: its stream's buffering and buffer size,
    // and the hooked stdio call behind it (none: getc, putc, scanf, exit).
    shimlog::StreamBuffering buffering = shimlog::StreamBuffering::NotStream;
    uint32_t buffer_size = 0;
    std::optional<shimlog::Syscall> caused_by;
    bool made_by_stream() const { return buffering != shimlog::StreamBuffering::NotStream; }
    uint64_t calls = 0;
    uint64_t errors = 0;
    uint64_t eof = 0;
    uint64_t bytes_requested = 0;
    uint64_t bytes_done = 0;
    uint64_t sequential = 0;
    uint64_t consecutive = 0;
    uint64_t time_ns = 0;
    uint64_t max_ns = 0;
    uint64_t histogram[shimlog::kSizeBuckets] = {};
    // Calls counted but not timed: the shim times a sample of a busy entry's
    // calls, and time_ns is then an estimate (max_ns the slowest timed call).
    // Always 0 for the kinds never timed (stdio calls, a transfer's second side).
    uint64_t untimed_calls = 0;
    // Calls that moved exactly a range one of the entry's previous four calls
    // moved (IoSiteRepeats); unknown in logs of older shims.
    uint64_t repeated = 0;
    bool repeats_known = false;
};

// The kernel's count of the process's read- and write-family syscalls
// (KernelIo record), whoever made them, and of those the shim's own.
struct KernelIo {
    bool present = false;  // false: an older shim, or a kernel without task I/O accounting
    uint64_t read_calls = 0, write_calls = 0, read_bytes = 0, write_bytes = 0;
    uint64_t own_read_calls = 0, own_write_calls = 0, own_read_bytes = 0, own_write_bytes = 0;
};

// The kernel's counts for one thread (ThreadKernelIo record), beside the
// calls the hooks recorded on it and the shim's own there. unseen_io.h pairs
// them with the threads.
struct ThreadKernelIo {
    uint32_t tid = 0;
    shimlog::ThreadKernelIoStatus status = shimlog::ThreadKernelIoStatus::AtEnd;
    size_t threads_before = 0;  // Log::threads decoded before it: an AtEnd one is the next of its tid's
    uint64_t read_calls = 0, write_calls = 0, read_bytes = 0, write_bytes = 0;
    uint64_t own_read_calls = 0, own_write_calls = 0, own_read_bytes = 0, own_write_bytes = 0;
    uint64_t hooked_read_calls = 0, hooked_write_calls = 0, hooked_read_bytes = 0, hooked_write_bytes = 0;
};

// One thread's batch of allocation events as the log stores it (its header
// checked by decode, its body untouched): alloc_chunk_reader.h unpacks and
// reads the events, alloc_analysis.h merges the chunks.
struct AllocChunk {
    uint32_t tid = 0;
    uint32_t event_count = 0;  // Alloc and Free events (Time marks not counted)
    uint64_t first_seq = 0;
    uint64_t first_ticks = 0;
    uint8_t compression = 0;   // shimlog::Compression
    uint32_t raw_size = 0;     // the encoded events' size once unpacked
    const char* body = nullptr;  // in Log::bytes
    size_t body_size = 0;
};

// One thread's life as the shim recorded it when the thread ended (or at
// exit). Times are raw timestamp-counter ticks, like the record's: convert
// with Log::ns_per_tick from process.start_ticks (only when ticks_calibrated).
struct ThreadInfo {
    uint32_t tid = 0;
    uint32_t parent_tid = 0;
    uint32_t create_stack = 0;   // 0: not created through pthread_create (the main thread)
    shimlog::ThreadEnd end = shimlog::ThreadEnd::Returned;
    bool is_main = false;
    uint64_t start_routine = 0;  // a function address, not a return address
    uint64_t create_ticks = 0;   // 0: unknown
    uint64_t start_ticks = 0;
    uint64_t end_ticks = 0;
    uint64_t cpu_ns = 0;         // read, or for NotRead estimated (thread_cpu_estimate.h)
    shimlog::ThreadCpu cpu_source = shimlog::ThreadCpu::Read;
    uint64_t join_wait_ticks = 0;
    uint64_t joins = 0;
    bool cpu_estimated() const { return cpu_source == shimlog::ThreadCpu::NotRead; }
};

// The sampler's readings (sample_chunk_reader.h), in time order.
struct SampleTick {
    uint64_t end_ns = 0;  // CLOCK_MONOTONIC of this reading
    uint64_t dt_ns = 0;   // since the previous reading
    uint64_t cpu_ns = 0;  // process CPU used meanwhile, the sampler's own excluded
};
// A per-thread cumulative reading: CPU time (ThreadCpu), or time spent
// runnable but waiting for a CPU (ThreadWait).
struct ThreadCpuReading {
    uint64_t at_ns = 0;   // CLOCK_MONOTONIC of the tick it was read at
    uint32_t tid = 0;
    uint64_t cpu_ns = 0;  // the thread's total so far
};
// A thread the sampler found blocked in a syscall (/proc/.../syscall).
struct ThreadBlockedReading {
    uint64_t at_ns = 0;   // CLOCK_MONOTONIC of the tick it was read at
    uint32_t tid = 0;
    shimlog::BlockedIn kind = shimlog::BlockedIn::Other;
    int32_t fd = -1;      // I/O on one descriptor: which (ThreadBlockedFd); -1 unknown
};
struct Samples {
    std::vector<SampleTick> ticks;
    std::vector<ThreadCpuReading> thread_cpu;
    std::vector<ThreadCpuReading> thread_wait;  // empty: the kernel keeps no schedstats
    std::vector<ThreadBlockedReading> thread_blocked;  // empty: an older shim, or no thread ever blocked at a reading
    uint32_t interval_us = 0;  // the sampling interval in force
    uint64_t chunks = 0;
};

// The shim's scan of memory at a normal exit (ExitScan records): the regions
// it read and, per Pairs record, its encoded (where, value) words, left in the
// log's bytes (like allocation chunks) until reachability.h reads them.
struct ExitScanPairs {
    uint32_t count = 0;
    uint8_t compression = 0;  // shimlog::Compression
    uint32_t raw_size = 0;
    const char* body = nullptr;  // in Log::bytes
    size_t body_size = 0;
};
struct ExitScan {
    bool present = false;   // a Regions record was read
    bool finished = false;  // and the Summary after it: the scan ran to its end
    std::vector<shimlog::ExitScanRegion> regions;  // in address order
    std::vector<ExitScanPairs> pairs;
    shimlog::ExitScanSummary summary{};
};

// One CPU-profile sample (CpuSamples records): where a thread was when its
// CPU-time timer expired. The stack's innermost frame is the interrupted
// instruction + 1, so it symbolizes like a return address.
struct CpuSample {
    uint32_t tid = 0;
    uint64_t ticks = 0;      // raw timestamp-counter ticks, like ThreadInfo's (time_axis.h converts)
    uint32_t stack_id = 0;   // 0: no stack could be had
    uint64_t weight_ns = 0;  // expiries x period: the CPU this sample stands for
    shimlog::CpuSampleDepth depth = shimlog::CpuSampleDepth::Full;
};
struct CpuProfile {
    std::vector<CpuSample> samples;  // batches in file order, each thread's in time order
    uint64_t period_ns = 0;          // of the latest batch; 0: no CpuSamples record
    uint64_t dropped = 0;            // samples lost because a thread's buffer was full
    uint64_t batches = 0;
    bool present() const { return batches > 0; }
};

// Contended waits (WaitSite, LockHolder and WaitChunk records): totals
// exact per (object, kind, site), holders per (mutex, release site), and
// each wait with its time, as far as the threads' buffers kept them.
struct WaitSite {
    uint64_t object = 0;  // the object's address; a join's: the joined thread's tid
    shimlog::WaitKind kind = shimlog::WaitKind::Mutex;
    uint32_t stack_id = 0;
    uint64_t waits = 0;
    uint64_t timeouts = 0;
    uint64_t wait_ns = 0;
    uint64_t max_ns = 0;
    uint32_t threads = 0;
};
struct LockHolder {
    uint64_t object = 0;
    uint32_t stack_id = 0;     // the releasing site
    uint64_t releases = 0;
    uint64_t delay_ns = 0;     // the waits its releases ended
    uint64_t timed_holds = 0;
    uint64_t hold_ns = 0;
    uint64_t max_hold_ns = 0;
    // What was released: a mutex (unlocked), or a semaphore (posted: Semaphore,
    // or SemaphoreLock when it is used as a lock; decode/semaphore_locks.h).
    shimlog::WaitKind kind = shimlog::WaitKind::Mutex;
};
struct WaitEvent {
    uint32_t tid = 0;
    uint64_t start_ticks = 0;  // raw ticks, like CpuSample's (time_axis.h converts)
    uint64_t length_ns = 0;
    uint32_t stack_id = 0;
    uint64_t object = 0;
    shimlog::WaitKind kind = shimlog::WaitKind::Mutex;
    bool timed_out = false;
};
struct Waits {
    std::vector<WaitSite> sites;      // the newest record of each (object, kind, stack)
    std::vector<LockHolder> holders;  // the newest record of each (object, stack)
    std::vector<WaitEvent> events;    // chunks in file order, each thread's in time order
    uint64_t dropped_events = 0;      // lost to full buffers: the totals above stay exact
    bool present() const { return !sites.empty() || !holders.empty() || !events.empty(); }
};

// Whether the shim recorded waits (its WaitsRecorded / WaitsNotRecorded note).
enum class WaitsRecording : uint8_t {
    Unsaid = 0,       // no note: a shim older than the note (older than the wait hooks, unless wait records exist)
    Recorded = 1,     // SHIM_WAITS=1: no wait record means no contended wait
    NotRecorded = 2,  // SHIM_WAITS=0
};

struct Log {
    std::string path;
    std::shared_ptr<const LogBytes> bytes;  // what alloc_chunks point into
    ProcessInfo process;
    EndInfo end;
    WindowInfo window;
    BudgetInfo budget;
    LiveAtStart live_at_start;
    std::vector<ModuleInfo> modules;
    std::map<uint32_t, FileInfo> files;
    std::map<uint32_t, std::vector<uint64_t>> stacks;
    std::vector<IoSite> io_sites;
    std::vector<AllocChunk> alloc_chunks;  // in file order
    std::vector<ThreadInfo> threads;       // in the order they ended
    Samples samples;                       // empty: no thread was ever created
    CpuProfile cpu;                        // empty: SHIM_CPU_HZ=0 or an older shim
    Waits waits;                           // empty: no contended wait, or waits not recorded (waits_recorded())
    WaitsRecording waits_recording = WaitsRecording::Unsaid;
    // Waits were recorded: the shim said so, or wrote wait records (a shim of
    // the wait hooks older than its note). False: an empty `waits` says nothing.
    bool waits_recorded() const {
        return waits_recording == WaitsRecording::Recorded ||
               (waits_recording == WaitsRecording::Unsaid && waits.present());
    }
    bool partial = false;          // the log stops before its End record
    std::string partial_reason;
    uint64_t records = 0;
    uint64_t unknown_records = 0;  // types this analyzer does not know, skipped
    // The latest Clock record (checkpoints): calibrates a log without End.
    uint64_t clock_ns = 0;
    uint64_t clock_ticks = 0;
    // Sampling mode (SHIM_ALLOC_SAMPLE): the latest AllocCounts snapshot.
    uint64_t alloc_sample_bytes = 0;  // 0: every allocation was recorded
    uint64_t alloc_counted_frees = 0;
    std::map<uint32_t, std::pair<uint64_t, uint64_t>> alloc_counts;  // stack id -> (allocations, bytes)
    KernelIo kernel_io;  // the latest KernelIo record
    std::vector<ThreadKernelIo> thread_kernel_io;  // every ThreadKernelIo record, in file order
    ExitScan exit_scan;  // absent: an older shim, sampling mode, or not a normal exit
    // The shim's own counters (ShimStats record).
    uint64_t alloc_events = 0;
    uint64_t stack_checks = 0;      // memoized stacks re-unwound (SHIM_STACK_VERIFY)
    uint64_t stack_mismatches = 0;  // of which differed
    // What the shim noted about the process (another allocator, a sanitizer).
    std::vector<std::pair<shimlog::NoteKind, std::string>> notes;
    double ns_per_tick = 1.0;
    bool ticks_calibrated = false; // false: timings inside calls are unknown

    // Wall time of the run: start to End, or to the last checkpoint when partial.
    uint64_t duration_ns() const;
    // How the process ended: "exit status 0", "killed by signal 11", ...
    std::string ending() const;
    const std::vector<uint64_t>* stack(uint32_t id) const;
    const FileInfo* file(uint32_t id) const;
};

}  // namespace analyzer
