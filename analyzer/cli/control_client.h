// `analyzer ctl`'s side of the shim's control channel (the shim's side:
// preload/log/control_channel.h): finds the shim in the target process,
// writes a request and waits for the answer.
#pragma once
#include <string>

namespace analyzer {

struct ControlAnswer {
    bool ok = false;
    std::string text;  // the answer, or why there is none: one line
};

// Sends `request` (start, stop, status) to process `pid` and waits up to
// `timeout_ms` for its answer.
ControlAnswer control_process(long pid, const std::string& request, int timeout_ms);

}  // namespace analyzer
