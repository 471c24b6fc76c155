// What the recorders write through. They know this header only, never the
// flush that writes them out (flush.h, the one place that knows every
// recorder): hooks -> recorders -> this sink -> the log file.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include "../../format/log_format.h"

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

// Counts an event the shim could not keep; reported in the End record.
void count_dropped();

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

// The timestamp counter and CLOCK_MONOTONIC when this process's log began.
uint64_t log_start_ticks();
uint64_t log_start_ns();

// True once this process's log file exists (a fork child creates it lazily).
bool log_created();

// The pid this shim instance records as (cached: getpid is a syscall).
uint32_t log_pid();

}  // namespace shim
