// The disk budget (SHIM_MAX_LOG_MB): each window's log (the run's, without
// windows) may take that many bytes. At 3/4 of it allocation recording
// turns to sampling (exact per-stack counts go on, AllocCounts); before an
// event record would pass it, event records stop being written for the rest
// of the window. The Budget record says when. Checked where records are
// written, never in a hook: the default path costs nothing.
#pragma once
#include <cstdint>
#include <initializer_list>

#include "record_sink.h"

namespace shim {

// What the budget asks of the allocation recorder (alloc_sampling.h,
// alloc_events.h). The log layer does not know the recorders: flush.cpp,
// which does, connects them in log_init.
struct BudgetRecorder {
    bool (*sampling_on)();
    void (*sampling_begin)(uint64_t mean_bytes);
    void (*sampling_restore)();
    uint64_t (*sequence_now)();
    uint64_t (*pending_bytes)();  // events in the threads' buffers, before compression
};
void budget_connect(const BudgetRecorder& recorder);

// A new log (window, fork child): the whole budget, the mode the user chose.
// Only while nothing records.
void budget_window_start();

// Before log_write_record writes: true when the budget refuses the record
// (the window stopped, or this record would pass the limit); it is counted
// as not written, not as dropped.
bool budget_refuses(shimlog::RecordType type, std::initializer_list<Bytes> parts);

// After a write during the window: the log now holds log_bytes.
void budget_after_write(uint64_t log_bytes);

// The window's event records stopped: checkpoints write no more state.
bool budget_stopped();

// Inside a flush: the Budget record, when there is a budget.
void budget_write_record();

}  // namespace shim
