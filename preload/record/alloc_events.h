// Allocation events: each thread encodes its events into its own buffer
// (no lock, no allocation); a full buffer becomes one AllocChunk record.
#pragma once
#include <cstddef>
#include <cstdint>

namespace shim {

// Both leave errno as they found it (a free must), keeping it only on their
// rare paths that make calls.

// After the real allocator returned ptr for `size` bytes. return_address and
// caller_sp identify the program's call (see alloc_stacks.h).
void record_alloc(const void* ptr, size_t size, uint64_t return_address, uint64_t caller_sp);

// Before the real free: the sequence number must precede any reuse of ptr.
void record_free(const void* ptr);

// realloc: the free's sequence number is taken before the call and the event
// written after it, and only if the call succeeded.
uint64_t reserve_sequence();
// The next event's sequence number, taking none (the disk budget's switch).
uint64_t alloc_sequence_now();
void record_free_at(const void* ptr, uint64_t seq);

// The same for a signal handler's call that interrupted the shim on this
// thread (interpose.h: called_by_handler_over_shim): its own stack, unwound
// afresh, and written once the interrupted event is (alloc_events.cpp).
void record_alloc_in_handler(const void* ptr, size_t size, uint64_t return_address);
void record_free_in_handler(const void* ptr);

// realloc's span from its reserved sequence number to its events: a signal
// handler's events within it are written after them, never between.
class AllocSpan {
public:
    explicit AllocSpan(bool active) : span_(active ? alloc_span_begin() : nullptr) {}
    ~AllocSpan() { alloc_span_end(span_); }
    AllocSpan(const AllocSpan&) = delete;
    AllocSpan& operator=(const AllocSpan&) = delete;
    static void* alloc_span_begin();
    static void alloc_span_end(void* span);
private:
    void* span_;
};

// Writes every thread's pending events (final flush) or just this thread's
// (before exec, when other threads cannot be stopped safely).
void alloc_flush_all();
void alloc_flush_this_thread();
// A new recording window: the events the last one's close wrote out (and
// left in the other threads' buffers, as a final flush does) are dropped.
// Only while nothing records (recording.h), so no thread is mid-event.
void alloc_discard_written();
// A snapshot: every thread's pending events, straight through sink_record
// (inside a flush), left in place for the window's own log.
void alloc_write_pending_direct();

void alloc_init();               // the thread-exit key; SHIM_STACK_VERIFY
void alloc_after_fork_child();   // the parent's pending events stay the parent's

// Counters for the log's shim statistics.
uint64_t alloc_events_recorded();
// Events recorded but not yet written, in every thread's buffer; their bytes.
uint64_t alloc_events_pending();
uint64_t alloc_bytes_pending();

}  // namespace shim
