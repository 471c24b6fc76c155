// Which recording window a log is, read from its name: the run's log (LOG) is
// window 1, the shim's later windows are LOG.w2, LOG.w3, ... and its snapshots
// LOG.s1, LOG.s2, ... (README "Recording windows").
#pragma once
#include <string>

namespace analyzer {

struct WindowName {
    std::string base;      // LOG, the suffix taken off
    unsigned number = 1;   // the window's or the snapshot's number
    bool snapshot = false;
    // "1", "2", ... for windows, "s1", "s2", ... for snapshots: the pprof label.
    std::string label() const;
};

WindowName window_of_log(const std::string& path);

}  // namespace analyzer
