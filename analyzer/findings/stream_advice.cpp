#include "stream_advice.h"

#include "../model/syscall_names.h"
#include "../text/format.h"

namespace analyzer {
namespace {

using shimlog::StreamBuffering;

bool caused_by(const StreamCalls& s, shimlog::Syscall call) { return s.caused_by && *s.caused_by == call; }

const char* kFullBuffer = "setvbuf(f, NULL, _IOFBF, 1 << 16) before the first use";

std::string unhooked_calls(const StreamCalls& s) {
    if (s.iostreams) return s.writes ? "std::ostream output" : "std::istream input";
    return s.writes ? "putc, fputc or putchar" : "getc, fgetc, getchar or scanf";
}

}  // namespace

bool through_iostreams(const Log& log, const IoSite& site) {
    auto in_libstdcxx = [&](uint64_t address) {
        for (const ModuleInfo& m : log.modules)
            if (address >= m.start && address < m.end) return m.path.find("libstdc++") != std::string::npos;
        return false;
    };
    if (in_libstdcxx(site.site)) return true;
    if (const std::vector<uint64_t>* frames = log.stack(site.stack_id))
        for (uint64_t address : *frames)
            if (in_libstdcxx(address)) return true;
    return false;
}

std::string stream_cause(const StreamCalls& s) {
    std::string by = s.caused_by ? std::string(syscall_name(*s.caused_by)) : unhooked_calls(s);
    std::string what = buffering_name(s.buffering) + std::string(" stream");
    if (s.buffer_size > 0) what += ", " + human_bytes(double(s.buffer_size)) + " buffer";
    return "made by stdio for " + by + " (" + what + ")";
}

std::string stream_reason(const StreamCalls& s) {
    if (s.writes && caused_by(s, shimlog::Syscall::fflush))
        return s.iostreams ? "each flush of the stream writes what was put in it since the last: std::endl, "
                             "std::flush, or a read on a tied std::cin (which flushes std::cout first) flush it"
                           : "each fflush writes what was put in the stream since the last one: the buffer never "
                             "gets to fill";
    switch (s.buffering) {
        case StreamBuffering::Unbuffered:
            return std::string("the stream is unbuffered (setvbuf _IONBF, or stderr): every ") +
                   (s.writes ? "output call is a write()" : "character read is a read()");
        case StreamBuffering::Line:
            return s.writes ? "the stream is line-buffered (a terminal, or setvbuf _IOLBF): every newline is a write()"
                            : "the stream is line-buffered (a terminal or setvbuf _IOLBF): each refill takes what the "
                              "other end has, often a line";
        case StreamBuffering::Full:
            return s.buffer_size > 0 && s.buffer_size < 4096
                       ? "the stream's buffer is only " + human_bytes(double(s.buffer_size)) + " (set with setvbuf)"
                       : std::string("the stream buffers, but each ") + (s.writes ? "flush" : "refill") +
                             " moved little: the other end (a pipe, terminal or socket) " +
                             (s.writes ? "is flushed to" : "delivers small pieces");
        case StreamBuffering::NotStream: break;
    }
    return "";
}

std::string stream_advice(const StreamCalls& s) {
    if (s.iostreams && s.writes)
        return "Write '\\n' instead of std::endl, flush only where a reader must see the output, and at the top "
               "of main call std::ios::sync_with_stdio(false) and std::cin.tie(nullptr) (a tied std::cin flushes "
               "std::cout before every read).";
    if (s.iostreams)
        return "Call std::ios::sync_with_stdio(false) at the top of main (synchronised std::cin reads through "
               "stdio a character at a time), or read the file with a buffered std::ifstream.";
    if (s.writes && caused_by(s, shimlog::Syscall::fflush))
        return "Drop the fflush after each item: flush once at the end, or only where a reader must see the "
               "output at once (a prompt, a progress line).";
    if (s.buffering == StreamBuffering::Full && s.buffer_size >= 4096)
        return s.writes ? "Hand the stream larger pieces, or nothing to fix on this side if the reader needs them "
                          "as they come."
                        : "Nothing to fix in the reading code unless the writer at the other end can send larger "
                          "blocks.";
    return std::string("Give the stream a full buffer: ") + kFullBuffer +
           (s.buffering == StreamBuffering::Line ? " (where nobody watches the output line by line)." : ".");
}

}  // namespace analyzer
