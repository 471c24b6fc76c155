// The log's life in a process: where it goes, when it is written, and what
// happens to it around fork and exec. The flush is the one place that knows
// every recorder (it asks each to write its state); the recorders write
// through record_sink.h and know nothing of this.
#pragma once
#include "record_sink.h"

namespace shim {

// Decides the log's path (first process of a run: log.bin; later ones:
// log.bin.<pid>) and takes the start time. Called from the shim's constructor;
// continues_exec: this image replaced a traced one by exec (same pid), or a
// traced process's vfork child that exec'd it (its parent is traced);
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

// Recording windows (windows.h). Close: with recording off, writes what the
// threads hold, the state, `window` and End(WindowClosed); nothing is
// written after it until a window opens. Open: every counter back to 0 and
// the log `path` created now, with the definitions again; false when it
// cannot be written.
void log_close_window(const shimlog::WindowRecord& window);
bool log_open_window(const char* path, uint32_t index);
// A snapshot of the open window: its log as written so far, copied to
// `path`, with what is still in memory (pending allocation events, the
// threads alive, the counters now), `window` (closed_by Snapshot) and
// End(Snapshot). The window goes on, unchanged. False when it cannot.
bool log_write_snapshot(const char* path, const shimlog::WindowRecord& window);
// Turns every hook's recording on or off (record/recording.h), the waits'
// too (as SHIM_WAITS allows).
void log_set_recording(bool on);
// Where the log is written now (window 1: the run's name, or its name once made).
const char* log_path();

}  // namespace shim
