// The log file: where it goes, when it is written, and the in-memory arena of
// records made while the program runs (descriptors, stacks) until then.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include "../format/log_format.h"

namespace shim {

struct Bytes {
    const void* data;
    size_t size;
};

// Appends a record to the arena; lock-free, allocation-free, callable from any
// thread. Returns the payload's address in the arena, or nullptr when full.
void* arena_record(shimlog::RecordType type, std::initializer_list<Bytes> parts);

// A record's bytes at `at`: its header, then the parts. The type goes in last
// (release): a flusher takes a record whose type is set as complete.
size_t record_payload_size(std::initializer_list<Bytes> parts);
void fill_record(char* at, shimlog::RecordType type, size_t payload, std::initializer_list<Bytes> parts);

// Writes one record to the file now (after any pending arena records),
// creating the log if needed. False when the log cannot be written, or when
// this thread is already writing it (a signal handler interrupted it).
bool log_write_record(shimlog::RecordType type, std::initializer_list<Bytes> parts);

// Inside log_flush only: writes a record straight to the file.
void sink_record(shimlog::RecordType type, std::initializer_list<Bytes> parts);

// Decides the log's path (first process of a run: log.bin; later ones:
// log.bin.<pid>) and takes the start time. Called from the shim's constructor;
// continues_exec: this image replaced a traced one by exec (same pid);
// takes_run_name: that one was the run's first process and handed its name on.
void log_init(bool continues_exec, bool takes_run_name);

// At exec: the run's first process gives the run's name (log.bin) to the
// image it becomes and keeps its own log as log.bin.<pid>. True if it did.
bool log_hand_over_name();
// The exec failed: the name comes back.
void log_take_name_back();

// Writes everything not yet written, then snapshots of the counters and an End
// record. Called at exit, _exit and before exec; calling it again later (a
// failed exec) appends newer snapshots, which supersede the earlier ones.
void log_flush(shimlog::EndReason reason, int status);

// Called from hooks with the current ticks: about once a second writes what
// is known so far (stacks, files, threads, I/O counters, this thread's
// allocation events), so a killed program still leaves a readable log.
// Inline: every hooked call asks, and the answer is almost always "not yet".
extern std::atomic<uint64_t> g_next_checkpoint;
void log_checkpoint_due(uint64_t now_ticks);
inline void log_checkpoint(uint64_t now_ticks) {
    if (now_ticks >= g_next_checkpoint.load(std::memory_order_relaxed)) log_checkpoint_due(now_ticks);
}

// Makes the next log_checkpoint call write, however soon.
inline void log_checkpoint_soon() { g_next_checkpoint.store(0, std::memory_order_relaxed); }

// Around fork: the parent finishes its half-done writes first, so the child
// copies none; the child starts a new log, with the definitions again.
void log_before_fork();
void log_after_fork_parent();
void log_after_fork_child();

// What a process that was not made by fork (a raw clone the syscall hook did
// not see) runs on finding itself in a process of its own, before it writes:
// the same as a fork child. Each write first checks the pid (a syscall, once
// per write, not per event) and, if it changed, shares no memory with the
// log's process (kcmp) before it calls this and starts its own log.
void log_on_new_process(void (*handler)());

// The timestamp counter and CLOCK_MONOTONIC when this process's log began.
uint64_t log_start_ticks();
uint64_t log_start_ns();

// True once this process's log file exists (a fork child creates it lazily).
bool log_created();

// The pid this shim instance records as (cached: getpid is a syscall).
uint32_t log_pid();

// Reads a small /proc file into buf (up to cap bytes); returns its length, 0
// when it cannot be read. Its reads go through the shim's own hooks.
size_t read_proc_file(const char* path, char* buf, size_t cap);

// Counts an event the shim could not keep; reported in the End record.
void count_dropped();

}  // namespace shim
