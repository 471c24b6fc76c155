// Names for call sites: the first frame of a stack that is the program's own
// code (not libc, the C++ runtime or the shim), symbolized as
// "function at file:line", with paths shown relative to the working directory.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../model/model.h"
#include "symbolize.h"

namespace analyzer {

class CallSites {
public:
    CallSites(const Log& log, Symbolizer& symbols);

    // "readbyte(int) at workloads/words.cpp:31" for the stack's site.
    std::string site_name(uint32_t stack_id, uint64_t fallback_address);
    // The stack's frames from the site outwards, described, at most max_frames.
    std::vector<std::string> frames(uint32_t stack_id, uint64_t fallback_address, size_t max_frames);
    // One frame, described with a relative path.
    std::string describe(uint64_t address);
    // True when the address is in libc, the C++ runtime or the shim.
    bool in_runtime(uint64_t address);
    // True when a stack frame is runtime code, or standard-library code from
    // system headers (inlined or instantiated): frames to look past.
    bool is_plumbing(uint64_t return_address);
    // True when some frame of the stack is the program's own code.
    bool has_program_frame(uint32_t stack_id);
    const Log& log() const { return log_; }
    Symbolizer& symbols() { return symbols_; }

private:
    // Index of the site frame in the stack: the first not in a runtime library.
    size_t site_index(const std::vector<uint64_t>& stack);
    const Log& log_;
    Symbolizer& symbols_;
    std::string cwd_;
};

}  // namespace analyzer
