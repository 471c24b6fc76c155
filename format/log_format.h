// The shim's log format: the one definition both the shim (preload/) and the
// analyzer (analyzer/) include. FORMAT.md beside this file documents it.
//
// A log is a FileHeader followed by records. Every record starts with a
// RecordHeader carrying its type and payload size, so a reader skips types it
// does not know. Records are appended as the program runs; a log whose last
// record is not an End record is partial (crash, SIGKILL, truncation).
// All integers are little-endian, fixed width; structs are packed.
// A shipped record never changes: new data gets a new record type.
#pragma once
#include <cstdint>

namespace shimlog {

constexpr char kMagic[8] = {'S', 'H', 'I', 'M', 'L', 'O', 'G', '\0'};
constexpr uint16_t kVersion = 1;
constexpr uint8_t kLittleEndian = 1;
// Upper bound on one record's payload: readers reject anything larger.
constexpr uint32_t kMaxRecordSize = 16u << 20;
constexpr uint32_t kMaxStackDepth = 64;

#pragma pack(push, 1)

struct FileHeader {
    char magic[8];
    uint16_t version;
    uint8_t endianness;    // kLittleEndian
    uint8_t pointer_size;  // 8
    uint32_t header_size;  // sizeof(FileHeader): lets a later version grow it
};

// X-macro: record ids and their printable names, in one place.
#define SHIMLOG_RECORD_TYPES(X)                                               \
    X(Process, 1)  /* who ran: pid, command line, start time */               \
    X(Module, 2)   /* a mapped ELF object, for offline symbolization */       \
    X(Stack, 3)    /* a deduplicated call stack, referred to by id */         \
    X(File, 4)     /* a descriptor's identity when first seen */              \
    X(IoSite, 5)   /* I/O counters for one (file, call site, syscall) */      \
    X(End, 6)      /* clean end of the log: exit status, end time */      \
    X(AllocChunk, 7) /* a thread's batch of allocation events */           \
    X(ShimStats, 8)  /* the shim's own counters, written with End */        \
    X(Thread, 9)     /* one thread's life, written when it ends */         \
    X(SampleChunk, 10) /* the sampler's CPU readings: parallelism over time */ \
    X(Note, 11)        /* something the reader should know: who owns malloc */ \
    X(Clock, 12)       /* a (ticks, ns) pair, written at each checkpoint */ \
    X(AllocCounts, 13) /* sampling mode: exact allocation counts per stack */ \
    X(KernelIo, 14)    /* the kernel's read/write counts for the process, at each checkpoint */ \
    X(ThreadKernelIo, 15) /* the kernel's read/write counts for one thread */ \
    X(ExitScan, 16)    /* at a normal exit: the words that point into the heap, for reachability */ \
    X(CpuSamples, 17)  /* one thread's CPU-time profile samples: where it was, every period of its CPU */ \
    X(WaitSite, 18)    /* contended waits, exact totals for one (object, kind, wait site) */ \
    X(LockHolder, 19)  /* the waits a mutex's releases ended, charged to the releasing site */ \
    X(WaitChunk, 20)   /* a thread's batch of contended waits, each with its start and length */ \
    X(Window, 21)      /* this log is one recording window of a longer run (SHIM_START, analyzer ctl) */ \
    X(Budget, 22)      /* the window's disk budget (SHIM_MAX_LOG_MB): when sampling began, when recording stopped */ \
    X(LiveBlocks, 23)  /* a window's start: the blocks allocated before it and live then */

enum class RecordType : uint16_t {
#define SHIMLOG_ENUM(name, id) name = id,
    SHIMLOG_RECORD_TYPES(SHIMLOG_ENUM)
#undef SHIMLOG_ENUM
};

struct RecordHeader {
    uint16_t type;  // RecordType
    uint16_t reserved;
    uint32_t size;  // payload bytes after this header
};

// Times: *_ns are CLOCK_MONOTONIC nanoseconds; *_ticks are the CPU's
// timestamp counter, converted to time from the (ticks, ns) pairs the log
// holds: this record's start, the Clock records and the End record.
struct ProcessRecord {
    uint32_t pid;
    uint32_t ppid;
    uint32_t parent_traced;      // 1 when the parent process ran under the shim too
    uint32_t reserved;
    uint64_t start_realtime_ns;  // CLOCK_REALTIME at start, for humans
    uint64_t start_ns;           // CLOCK_MONOTONIC at start
    uint64_t start_ticks;
    uint64_t ticks_per_second;   // never written (always 0) and not read: the pairs above convert ticks
    uint32_t exe_len;            // followed by exe path bytes (no NUL)
    uint32_t cmdline_len;        // then the command line: arguments, each NUL-terminated
};

struct ModuleRecord {
    uint64_t start;        // lowest mapped address of the object
    uint64_t end;          // one past the highest
    uint64_t load_bias;    // runtime address = ELF virtual address + load_bias
    uint16_t build_id_len; // followed by build-id bytes
    uint16_t path_len;     // then path bytes (no NUL)
};

struct StackRecord {
    uint32_t id;     // ids start at 1; 0 means "no stack"
    uint32_t depth;  // followed by depth uint64_t return addresses, innermost first
};

enum class FileKind : uint8_t { Unknown = 0, Regular, Pipe, Tty, Socket, CharDevice, Directory, Other };

struct FileRecord {
    uint32_t file_id;  // unique per (descriptor, open): a reused descriptor gets a new id
    int32_t fd;
    uint8_t kind;      // FileKind
    uint8_t reserved;
    uint16_t path_len; // followed by path bytes (from /proc/self/fd)
};

// The intercepted calls, in one place: enum, id, printable name, and
// whether the entry counts data written (true) or read (false). Calls that
// move data between two descriptors (copy_file_range, sendfile, splice) are
// counted twice: once on the source (the primary entry, which carries the
// time) and once on the destination (the "_out" entry, time 0).
#define SHIMLOG_SYSCALLS(X)                                                    \
    X(read, 0, "read", false)                                                  \
    X(pread64, 1, "pread64", false)                                            \
    X(readv, 2, "readv", false)                                                \
    X(preadv, 3, "preadv", false)                                              \
    X(preadv2, 4, "preadv2", false)                                            \
    X(write, 5, "write", true)                                                 \
    X(pwrite64, 6, "pwrite64", true)                                           \
    X(writev, 7, "writev", true)                                               \
    X(pwritev, 8, "pwritev", true)                                             \
    X(pwritev2, 9, "pwritev2", true)                                           \
    X(copy_file_range, 10, "copy_file_range", false)                          \
    X(copy_file_range_out, 11, "copy_file_range", true)                       \
    X(sendfile, 12, "sendfile", false)                                         \
    X(sendfile_out, 13, "sendfile", true)                                      \
    X(splice, 14, "splice", false)                                             \
    X(splice_out, 15, "splice", true)                                          \
    X(fread, 16, "fread", false)                                               \
    X(fgets, 17, "fgets", false)                                               \
    X(getline, 18, "getline", false)                                           \
    X(fwrite, 19, "fwrite", true)                                              \
    X(fputs, 20, "fputs", true)                                                \
    X(fflush, 21, "fflush", true)                                              \
    X(printf, 22, "printf", true)

enum class Syscall : uint8_t {
#define SHIMLOG_SYSCALL_ENUM(name, id, text, writes) name = id,
    SHIMLOG_SYSCALLS(SHIMLOG_SYSCALL_ENUM)
#undef SHIMLOG_SYSCALL_ENUM
};
constexpr unsigned kSyscallCount = 23;

constexpr bool is_write(Syscall s) {
    switch (s) {
#define SHIMLOG_SYSCALL_WRITES(name, id, text, writes) case Syscall::name: return writes;
        SHIMLOG_SYSCALLS(SHIMLOG_SYSCALL_WRITES)
#undef SHIMLOG_SYSCALL_WRITES
    }
    return false;
}

// stdio calls, counted where the program makes them: stdio buffers them, and
// the read/write syscalls it makes inside libc are out of the shim's sight.
constexpr bool is_stdio(Syscall s) { return static_cast<uint8_t>(s) >= 16 && static_cast<uint8_t>(s) <= 22; }

// The destination side of a two-descriptor transfer: not a call of its own.
inline bool is_second_side(Syscall s) {
    return s == Syscall::copy_file_range_out || s == Syscall::sendfile_out || s == Syscall::splice_out;
}

// Request-size histogram buckets (bytes returned, or requested on error):
// 0 (EOF), 1, 2..16, 17..512, 513..4K, 4K+1..64K, 64K+1..1M, larger.
constexpr unsigned kSizeBuckets = 8;
inline unsigned size_bucket(uint64_t bytes) {
    if (bytes == 0) return 0;
    if (bytes == 1) return 1;
    if (bytes <= 16) return 2;
    if (bytes <= 512) return 3;
    if (bytes <= 4096) return 4;
    if (bytes <= 65536) return 5;
    if (bytes <= (1u << 20)) return 6;
    return 7;
}

// How a stdio stream buffers (glibc's _IO_UNBUFFERED and _IO_LINE_BUF flags).
enum class StreamBuffering : uint8_t { NotStream = 0, Unbuffered = 1, Line = 2, Full = 3 };

struct IoSiteRecord {
    uint32_t file_id;
    uint32_t stack_id;     // short stack of the call site, captured once
    uint64_t site;         // return address of the intercepted call
    uint8_t syscall;       // Syscall
    uint8_t caused_by;     // a syscall stdio made: the stdio call behind it, Syscall id + 1 (0: none hooked)
    uint8_t buffering;     // StreamBuffering of that stream (NotStream: the program made the call)
    uint8_t reserved;
    uint32_t buffer_size;  // that stream's buffer, bytes
    uint64_t calls;
    uint64_t errors;       // calls that returned -1
    uint64_t eof;          // reads that returned 0 with a non-zero request
    uint64_t bytes_requested;
    uint64_t bytes_done;   // bytes actually read or written
    uint64_t sequential;   // at or after the previous call's end offset
    uint64_t consecutive;  // exactly at the previous call's end offset
    uint64_t ticks;        // wall time inside the calls
    uint64_t max_ticks;    // the slowest call
    uint64_t histogram[kSizeBuckets];
};

// Follows an IoSiteRecord in the same payload (shims since the timing sample;
// absent in older logs, where every call was timed): how many of `calls` were
// timed. When fewer, `ticks` is the estimate calls x their mean and
// `max_ticks` the slowest of them.
struct IoSiteTiming {
    uint64_t timed_calls;
};

// Follows IoSiteTiming (shims since 2026-12-04; absent before): of `calls`,
// how many moved exactly the offset and size of one of the entry's previous
// four transfers of that file (a header read again before every record).
// Calls at an unknown offset (pipes, sockets) are never repeats.
struct IoSiteRepeats {
    uint64_t repeated;
};

// WindowClosed: the program went on; this log is a recording window that
// ended (analyzer ctl stop), see WindowRecord.
// Snapshot: the state of an open window at one moment (analyzer ctl
// snapshot), written to LOG.sN; the window and the program went on.
enum class EndReason : uint8_t { Exit = 0, QuickExit = 1, Exec = 2, Signal = 3, WindowClosed = 4, Snapshot = 5 };

// ---- recording windows ----
// A process started with SHIM_START records in windows, each a log of its
// own: the run's name (log.bin) is window 1, then log.bin.w2, log.bin.w3, ...
// What opened or closed a window:
// Period: SHIM_PERIOD cut the run there (one window closed, the next opened).
// Fork: a fork child's window 1, open from the fork because its parent was recording one.
enum class WindowCause : uint8_t { Start = 0, CtlStart = 1, CtlStop = 2, ProcessEnd = 3, Snapshot = 4, Period = 5, Fork = 6 };

// Written just before the window's End. Every figure of the log covers this
// window only: counters start at 0 when it opens, and the allocations are
// those made in it (the blocks live at its start: LiveBlocks). heap_*: the bytes glibc's malloc had handed out
// (mallinfo2 uordblks + hblkhd) at the window's start and end, all sites
// together, so a window's heap can be put on the process's scale; 0 when
// another allocator owns malloc.
struct WindowRecord {
    uint32_t index;        // 1 for log.bin, N for log.bin.wN
    uint8_t opened_by;     // WindowCause
    uint8_t closed_by;     // WindowCause
    uint16_t reserved;
    uint64_t start_ns;     // CLOCK_MONOTONIC: when it opened (the Process record's start_ns)
    uint64_t end_ns;       // when it closed
    uint64_t heap_at_start;
    uint64_t heap_at_end;
};

// ---- blocks live at a window's start (LiveBlocks, 23) ----
// In windowed mode only, the shim keeps a table of the blocks allocated
// while recording and not yet freed (updated as chunks are written, off the
// malloc path). A window opened after another (ctl start, SHIM_PERIOD) writes
// them first thing in its log, in records of at most kLiveBlocksPerRecord,
// `part` 0, 1, ...: their frees in the window are frees of known blocks, and
// the window's heap starts from them. Absent: an older shim, window 1 of a
// process started running (nothing came before it), or not windowed.
enum LiveBlocksFlags : uint32_t {
    // The window opened after a pause (SHIM_START=paused, ctl stop): blocks
    // allocated while paused are not known, and a listed block freed while
    // paused is still listed (its address allocated again shows it).
    kLiveBlocksAfterPause = 1,
    // The table missed events (full, or a chunk it could not take): some
    // blocks are missing from the list.
    kLiveBlocksIncomplete = 2,
};
constexpr uint32_t kLiveBlocksPerRecord = 8192;

struct LiveBlocksRecord {
    uint32_t part;          // 0 for the first record of the list
    uint32_t count;         // LiveBlockEntry that follow (<= kLiveBlocksPerRecord)
    uint64_t total_blocks;  // in every part
    uint64_t total_bytes;
    uint32_t flags;         // LiveBlocksFlags
    uint32_t reserved;
};

struct LiveBlockEntry {
    uint64_t address;
    uint64_t size;
    uint32_t stack_id;  // defined in this log
    uint32_t reserved;
};
// ---- end of LiveBlocks ----

struct EndRecord {
    uint64_t end_ns;     // CLOCK_MONOTONIC
    uint64_t end_ticks;
    int32_t exit_status; // exit code, or the signal number for Signal
    uint8_t reason;      // EndReason
    uint8_t reserved[3];
    uint64_t dropped;    // events the shim had to drop (table full and the like)
};

// ---- allocation events ----
// Each thread appends events to its own buffer; a full buffer (or the thread's
// end, or a flush) becomes one AllocChunk record, zstd-compressed when that
// pays. Events carry a global sequence number (one atomic increment each), so
// the reader can merge all threads' chunks into the program's real order.
enum class Compression : uint8_t { None = 0, Zstd = 1 };

struct AllocChunkRecord {
    uint32_t tid;          // kernel thread id of the allocating thread
    uint32_t event_count;
    uint64_t first_seq;    // sequence number the first event's delta starts from
    uint64_t first_ticks;  // timestamp counter when the chunk began
    uint32_t raw_size;     // bytes of encoded events (after decompression)
    uint8_t compression;   // Compression
    uint8_t reserved[3];
};  // followed by the encoded events, compressed as `compression` says

// Encoded events: a tag byte, then LEB128 varints. "ptr" fields are zigzag
// deltas from the previous pointer in the chunk (starting at 0); "seq" fields
// are deltas from the previous event's sequence number (starting at first_seq).
enum class AllocTag : uint8_t {
    Alloc = 1,  // seq, stack id, size, ptr
    Free = 2,   // seq, ptr            (free(NULL) is not recorded)
    Time = 3,   // ticks delta from the previous Time (or first_ticks): a clock mark
    Thread = 4, // tid: the events that follow are this thread's (a finished
                // thread's buffer handed on to a new thread, not flushed)
};
constexpr uint32_t kMaxChunkRawSize = 4u << 20;

struct ShimStatsRecord {
    uint64_t alloc_events;      // allocation events recorded
    uint64_t stack_checks;      // memoized stacks re-unwound to verify (SHIM_STACK_VERIFY)
    uint64_t stack_mismatches;  // of which differed: should be 0
};

// The kernel's own counts of read- and write-family syscalls and their bytes
// for the whole process (/proc/self/io: syscr, syscw, rchar, wchar; every
// thread, ended ones included), since the shim started in this image (an
// exec'd or forked process starts from its own baseline). Whoever made the
// calls: the hooks see only those made through libc's exported functions.
// The shim's own calls (its log writes, /proc reads, libunwind's checks) are
// given apart. Cumulative: a later record replaces the earlier one.
struct KernelIoRecord {
    uint64_t read_calls;
    uint64_t write_calls;
    uint64_t read_bytes;
    uint64_t write_bytes;
    uint64_t own_read_calls;
    uint64_t own_write_calls;
    uint64_t own_read_bytes;
    uint64_t own_write_bytes;
};

// The kernel's counts for one thread (/proc/thread-self/io at its end,
// /proc/self/task/TID/io while it lives), beside the calls the hooks recorded
// on that thread and the shim's own calls there. Since the thread began (the
// main thread: since the shim started in this image). Cumulative: a later
// record for a live thread replaces the earlier one; an AtEnd record closes
// that thread's life (a tid the kernel hands out again is a new thread).
// Reading costs three syscalls (~13 us), so threads that lived under ~1.5 ms
// are read in a sample (the first 64, then one in 64); a thread with no
// record was not read.
enum class ThreadKernelIoStatus : uint8_t {
    AtEnd = 0,         // read as the thread ended
    Alive = 1,         // read while it lived: at a checkpoint or at exit
    NotAvailable = 2,  // the kernel keeps no per-thread counts (no CONFIG_TASK_IO_ACCOUNTING,
                       // or the file is unreadable): the counts are 0; written once
};

struct ThreadKernelIoRecord {
    uint32_t tid;
    uint8_t status;  // ThreadKernelIoStatus
    uint8_t reserved[3];
    uint64_t read_calls;  // the kernel's: syscr, syscw, rchar, wchar
    uint64_t write_calls;
    uint64_t read_bytes;
    uint64_t write_bytes;
    uint64_t own_read_calls;  // of those, the shim's own on this thread
    uint64_t own_write_calls;
    uint64_t own_read_bytes;
    uint64_t own_write_bytes;
    uint64_t hooked_read_calls;  // the program's read/write-family syscalls the hooks recorded on it
    uint64_t hooked_write_calls;
    uint64_t hooked_read_bytes;
    uint64_t hooked_write_bytes;
};

// ---- threads ----
enum class ThreadEnd : uint8_t {
    Returned = 0,     // its start routine returned
    Exited = 1,       // pthread_exit
    Cancelled = 2,    // pthread_cancel took effect
    AliveAtExit = 3,  // still running when the process ended (the main thread too)
};

// Where a ThreadRecord's cpu_ns came from. Reading a thread's CPU clock is a
// syscall that costs about as much as a whole short-lived thread, so the shim
// reads short-lived threads' clocks in a sample.
enum class ThreadCpu : uint8_t {
    Read = 0,        // its clock, read at its end (or at exit)
    ReadSample = 1,  // short-lived; its clock was read, as one of the sample
    NotRead = 2,     // short-lived and not read: cpu_ns is 0, to be estimated from the sample
};

struct ThreadRecord {
    uint32_t tid;             // kernel thread id
    uint32_t parent_tid;      // the thread that created it (0: unknown, or the main thread itself)
    uint32_t create_stack;    // stack id of the pthread_create call (0: not created through it)
    uint8_t end;              // ThreadEnd
    uint8_t is_main;
    uint8_t cpu_source;       // ThreadCpu
    uint8_t reserved;
    uint64_t start_routine;   // address of the function it ran
    uint64_t create_ticks;    // pthread_create called (0: unknown)
    uint64_t start_ticks;     // the thread began running
    uint64_t end_ticks;
    uint64_t cpu_ns;          // CPU time the thread used (CLOCK_THREAD_CPUTIME_ID)
    uint64_t join_wait_ticks; // time it spent blocked in pthread_join
    uint64_t joins;           // pthread_join calls it made
};

// The sampler thread's readings, every interval (default 1 ms): the process's
// CPU time (less the sampler's own), and now and then each thread's CPU time.
struct SampleChunkRecord {
    uint64_t first_ns;     // CLOCK_MONOTONIC of the reading the first delta starts from
    uint32_t event_count;
    uint32_t raw_size;     // bytes of encoded events (after decompression)
    uint8_t compression;   // Compression
    uint8_t reserved[3];
    uint32_t interval_us;  // the sampling interval in force
};

enum class SampleTag : uint8_t {
    Tick = 1,       // ns since the previous tick (or first_ns), process CPU ns used meanwhile
    ThreadCpu = 2,  // tid, that thread's total CPU ns so far (at the latest Tick)
    ThreadWait = 3, // tid, that thread's total ns runnable but waiting for a CPU (schedstat run_delay)
    ThreadBlocked = 4, // tid, BlockedIn: the syscall it was blocked in at that reading (none: it ran, or was runnable)
    ThreadBlockedFd = 5, // tid, descriptor: right after an Io ThreadBlocked of that tid, the descriptor its syscall
                         // works on (the first argument of read/write and their forms, socket calls, fsync,
                         // epoll_wait, splice, copy_file_range, sendfile); none for poll/select (an array)
};
// What a thread was blocked in when the sampler read /proc/self/task/TID/syscall,
// sorted by the shim (which knows its architecture's syscall numbers).
enum class BlockedIn : uint8_t {
    Io = 1,      // read/write, their vector and positional forms, sockets, poll/select/epoll, fsync
    Sleep = 2,   // nanosleep, clock_nanosleep, pause
    Futex = 3,   // a futex no hook saw: an unhooked lock, std::atomic::wait, a static-init guard
    Child = 4,   // wait4, waitid: a child process
    Other = 5,   // any other syscall
};
// Every sampler event is a tag and two varints: readers skip tags they do not know.

// ---- sampling mode (SHIM_ALLOC_SAMPLE=N) ----
// Only about one allocation per N bytes becomes an Alloc event (its free a
// Free event); every allocation is still counted, exactly, per stack, in
// cumulative AllocCounts snapshots (a later one replaces the earlier).
struct AllocCountsRecord {
    uint64_t sample_bytes;  // N: the mean number of bytes between samples
    uint64_t frees;         // every free call with a non-null pointer
    uint32_t entries;       // followed by that many AllocCountEntry
    uint32_t reserved;
};

struct AllocCountEntry {
    uint32_t stack_id;
    uint32_t reserved;
    uint64_t allocations;
    uint64_t bytes;
};

// ---- CPU profile (SHIM_CPU_HZ) ----
// Each thread's CPU-time timer (timer_create on its CLOCK_THREAD_CPUTIME_ID)
// interrupts it once per `period_ns` of CPU it uses; a sample is where the
// thread was then: a Stack whose innermost frame is the interrupted
// instruction's address + 1 (so that, like a return address, address - 1
// lies inside the instruction), or 0 when no stack could be had. A batch
// holds one thread's samples in time order.
struct CpuSamplesRecord {
    uint32_t tid;
    uint32_t count;        // samples in the batch
    uint64_t period_ns;    // the CPU time one timer expiry stands for
    uint64_t first_ticks;  // the first sample's ticks delta starts from here
    uint32_t raw_size;     // bytes of encoded samples that follow
    uint32_t dropped;      // this thread's samples lost since the last batch (its buffer was full)
};
// Each sample: varint ticks delta (from the previous sample, or first_ticks),
// varint stack id, varint expiries (1 + the timer's overruns: the sample
// stands for expiries x period_ns of CPU), one CpuSampleDepth byte.
enum class CpuSampleDepth : uint8_t {
    Full = 0,           // the whole stack, unwound from the interrupted frame
    InLoader = 1,       // the interrupted instruction only: in the dynamic loader (its lists may be mid-change)
    InUnwinder = 2,     // ... only: the shim's own unwinder was running on this thread
    NoUnwinder = 3,     // ... only: the unwinder was not loaded yet (or not yet used on this thread
                        // outside a handler: a thread the shim did not start), or a fork was under way
    AtThreadEnd = 4,    // the expiries due but not delivered when the thread ended (the kernel
                        // checks CPU timers at its tick), at its newest sample's stack or its start function
};

// ---- waits (synchronisation the program blocked in) ----
// A lock is tried first (the trylock form): only a wait that blocked is
// timed and recorded, so an uncontended acquisition costs no clock read.
// Condition, semaphore and barrier waits are waits for work or an event,
// not contention; a condition wait's re-lock of its mutex is part of it.
enum class WaitKind : uint8_t {
    Mutex = 0,      // pthread_mutex_lock / timedlock (std::mutex too), C11 mtx_lock / timedlock that found it held
    RwRead = 1,     // pthread_rwlock_rdlock / timedrdlock that found a writer
    RwWrite = 2,    // pthread_rwlock_wrlock / timedwrlock that found it held
    Condition = 3,  // pthread_cond_wait / timedwait, C11 cnd_wait / timedwait: every call
    Semaphore = 4,  // sem_wait / sem_timedwait that found the count at 0
    Barrier = 5,    // pthread_barrier_wait: every call
    Join = 6,       // pthread_join / timedjoin / clockjoin, thrd_join of a thread still running (object: its tid)
    Spin = 7,       // pthread_spin_lock that found it held: contention, spent spinning on a CPU
    // Never in a log (a reader rejects it there): the analyzer's reading of a
    // Semaphore wait on a semaphore used as a lock (FORMAT.md, "Semaphores used as locks").
    SemaphoreLock = 8,
};

// Written at the end and at checkpoints with the totals so far: the newest
// record of an (object, kind, stack_id) replaces the older ones. `object` is
// the synchronisation object's address (a join's: the joined thread's tid, or
// 0 for the joins made once half the shim's table was used: many threads).
struct WaitSiteRecord {
    uint64_t object;
    uint32_t stack_id;    // the wait site's stack (the caller of the hooked function first)
    uint8_t kind;         // WaitKind
    uint8_t reserved[3];
    uint64_t waits;       // waits that blocked
    uint64_t timeouts;    // of them, timed waits that gave up (ETIMEDOUT)
    uint64_t wait_ticks;  // total time blocked
    uint64_t max_ticks;   // the longest wait
    uint32_t threads;     // distinct threads that waited here (saturates at UINT32_MAX)
    uint32_t reserved2;
};

// Mutexes and semaphores: at an unlock (a sem_post) that had waiters, the
// releasing site; each waiter's wait is charged, when it gets the lock, to the
// site of the release that let it in (Go's mutex profile). Hold time is known
// for acquisitions that waited (their end is timed); others were not timed. A
// semaphore's release is timed only when the poster is the thread whose
// blocked wait took it last (an acquire/release pair: FORMAT.md). Same
// replacement rule as WaitSiteRecord, keyed by (object, stack_id).
struct LockHolderRecord {
    uint64_t object;
    uint32_t stack_id;       // where the holder unlocked it
    uint32_t reserved;
    uint64_t releases;       // unlocks of it, at this site, that had waiters
    uint64_t delay_ticks;    // the waits those releases ended, summed
    uint64_t timed_holds;    // of `releases`, how many followed an acquisition that waited
    uint64_t hold_ticks;     // their hold times (acquisition to release), summed
    uint64_t max_hold_ticks;
};

// A thread's contended waits in time order, like CpuSamples: written when its
// buffer fills, at checkpoints and at its end. Each wait: varint start delta
// (ticks, from the previous wait's start or first_ticks), varint length
// (ticks), varint stack id, varint object, one WaitKind byte, one flags byte
// (WaitFlags).
struct WaitChunkRecord {
    uint32_t tid;
    uint32_t count;
    uint64_t first_ticks;
    uint32_t raw_size;  // bytes of encoded waits that follow
    uint32_t dropped;   // this thread's waits lost since the last chunk (buffer full); totals above stay exact
};
enum WaitFlags : uint8_t { WaitTimedOut = 1 };

// ---- exit scan: who points at the blocks still allocated at exit ----
// At a normal exit, with every allocation recorded, the shim reads the roots
// (modules' writable segments, the exiting thread's stack from its stack
// pointer up, every other anonymous writable mapping) and the heap, and
// writes each aligned word whose value falls inside an anonymous or brk
// mapping as a (where, value) pair. The analyzer decides, per block live at
// exit, whether it is reachable, possibly lost (interior pointers only) or
// lost. Records come in order: Regions, Pairs (zero or more), then one Summary
// (its absence means the scan did not finish: nothing can be decided).
enum class ExitScanPart : uint8_t {
    Regions = 1,  // body: `count` ExitScanRegion, uncompressed
    Pairs = 2,    // body: `count` pairs, encoded (and compressed) as below
    Summary = 3,  // body: one ExitScanSummary
};

enum class ExitScanRegionKind : uint8_t {
    ModuleData = 1,  // a loaded object's writable PT_LOAD segment (data, bss): a root
    Stack = 2,       // the exiting thread's stack, from its stack pointer to its top: a root
    Brk = 3,         // the brk heap ([heap])
    Anonymous = 4,   // another anonymous writable mapping: a malloc arena, a large block, a
                     // thread's stack or TLS, the program's own mmap (the analyzer tells
                     // them apart by whether a block allocated at exit lies inside)
};

struct ExitScanRecord {
    uint8_t part;         // ExitScanPart
    uint8_t compression;  // Compression (Pairs only)
    uint16_t reserved;
    uint32_t count;       // regions or pairs in this record
    uint32_t raw_size;    // the body's size once unpacked (<= kMaxChunkRawSize)
    uint32_t reserved2;
};  // followed by the body

struct ExitScanRegion {
    uint64_t start;
    uint64_t end;  // one past the last byte scanned
    uint8_t kind;  // ExitScanRegionKind
    uint8_t reserved[7];
};

// Pairs: per pair, varint((where - previous where) / 8) then
// varint(zigzag(value - previous value)); both start from 0 in each record.
// `where` only grows within a record (regions are scanned in address order).

enum ExitScanFlags : uint32_t {
    kExitScanBudgetBytes = 1,   // stopped at the budget of bytes scanned: pointers may be missing
    kExitScanBudgetPairs = 2,   // stopped at the budget of pairs written
    kExitScanUnreadable = 4,    // some listed memory could not be read (unmapped meanwhile)
    kExitScanNoMaps = 8,        // /proc/self/maps could not be read: nothing scanned
    kExitScanSmallHeap = 16,    // malloc held under 1 MiB at exit (mallinfo2): not scanned
};

struct ExitScanSummary {
    uint32_t flags;           // ExitScanFlags
    uint32_t reserved;
    uint64_t bytes_scanned;   // read: pages never touched (all zeros) are not read
    uint64_t pairs;           // written, in all Pairs records
    uint64_t bytes_skipped;   // listed and holding data, but unreadable (unmapped meanwhile)
    uint64_t scan_ns;         // time the scan took, writing included
};

// ---- notes and clock ----
enum class NoteKind : uint16_t {
    Allocator = 1,  // malloc is not libc's: the text names the library that owns it
    Sanitizer = 2,  // a sanitizer runtime is loaded: the text names it
    CpuProfile = 3, // the CPU profile stopped or never started: the text says why
    // Written once per process image at start: whether the wait hooks record
    // (a log with neither note comes from a shim older than them). Tells "no
    // contended wait" apart from "waits not recorded".
    WaitsRecorded = 4,     // SHIM_WAITS=1 (the default)
    WaitsNotRecorded = 5,  // SHIM_WAITS=0: the text says so
};

struct NoteRecord {
    uint16_t kind;  // NoteKind
    uint16_t text_len;  // followed by that many bytes of text
};

// Lets a reader convert ticks to time in a log that has no End record.
struct ClockRecord {
    uint64_t ns;     // CLOCK_MONOTONIC
    uint64_t ticks;  // the timestamp counter at the same moment
};

// ---- disk budget (SHIM_MAX_LOG_MB) ----
// Per window (or per log when there are no windows): when the log reaches
// 3/4 of limit_bytes, allocation recording turns to sampling (as
// SHIM_ALLOC_SAMPLE, with AllocCounts counting every allocation from then
// on); before a record would take it past limit_bytes, event records
// (AllocChunk, CpuSamples, WaitChunk, SampleChunk) stop being written. The
// counters, threads, Budget, Window and End records are still written, so
// the log may end a little past the limit. Written with the counters at
// each checkpoint and at the end; the latest one holds. Absent: no budget.
struct BudgetRecord {
    uint64_t limit_bytes;
    uint64_t sampling_bytes;   // log size when sampling began; 0: it did not (or SHIM_ALLOC_SAMPLE sampled all along)
    uint64_t sampling_ns;      // CLOCK_MONOTONIC then
    uint64_t sampling_seq;     // allocation events with this sequence number or later are samples
    uint64_t stopped_bytes;    // log size when event records stopped; 0: they did not
    uint64_t stopped_ns;
    uint64_t alloc_events_unwritten;  // allocation events in chunks not written (from the stop on)
    uint64_t alloc_exact_unwritten;   // of those, in chunks begun before sampling: their allocations may be in no count
    uint64_t records_unwritten;       // event records not written (all kinds)
    uint64_t bytes_unwritten;         // their payload bytes
};

#pragma pack(pop)

// LEB128 and zigzag, shared by the shim's encoder and the analyzer's decoder.
inline uint8_t* put_varint(uint8_t* out, uint64_t value) {
    while (value >= 0x80) {
        *out++ = static_cast<uint8_t>(value | 0x80);
        value >>= 7;
    }
    *out++ = static_cast<uint8_t>(value);
    return out;
}
inline uint64_t zigzag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
inline int64_t unzigzag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }
// Reads a varint from [*in, end); false when it runs past end or over 10 bytes.
inline bool get_varint(const uint8_t** in, const uint8_t* end, uint64_t* value) {
    uint64_t result = 0;
    for (int shift = 0; shift < 70 && *in < end; shift += 7) {
        uint8_t byte = *(*in)++;
        result |= static_cast<uint64_t>(byte & 0x7f) << shift;
        if ((byte & 0x80) == 0) {
            *value = result;
            return true;
        }
    }
    return false;
}

}  // namespace shimlog
