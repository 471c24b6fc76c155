// Whether the hooks record at all. Off only in a process started with
// SHIM_START=paused until `analyzer ctl PID start`, and between windows
// (log/windows.h switches it). Every hook tests it first: one load of a
// word that never changes in the default mode, so the branch is predicted
// and the default path costs one load more, nothing else.
#pragma once
#include <atomic>

namespace shim {

extern std::atomic<bool> g_recording;  // constant-initialised to true: hooks may run before constructors

inline bool recording() { return __builtin_expect(g_recording.load(std::memory_order_relaxed), 1); }

}  // namespace shim
