// What to say about small syscalls a stdio stream made: its buffering, the
// stdio call behind them, and the fix that fits (stdio or iostreams, read
// or write, flushed by hand or by the stream's own mode).
#pragma once
#include <string>
#include <vector>

#include "../model/model.h"

namespace analyzer {

struct StreamCalls {
    bool writes = false;
    shimlog::StreamBuffering buffering = shimlog::StreamBuffering::NotStream;
    uint32_t buffer_size = 0;
    std::optional<shimlog::Syscall> caused_by;  // the hooked stdio call; none: getc, putc, scanf...
    bool iostreams = false;                     // reached through libstdc++'s streams
};

// "caused by fflush (fully buffered stream, 4 KiB buffer)"
std::string stream_cause(const StreamCalls& s);
// Why this stream makes a syscall per item, as one line of evidence.
std::string stream_reason(const StreamCalls& s);
std::string stream_advice(const StreamCalls& s);

// True when the site's stack passes through libstdc++ (its iostreams).
bool through_iostreams(const Log& log, const IoSite& site);

}  // namespace analyzer
