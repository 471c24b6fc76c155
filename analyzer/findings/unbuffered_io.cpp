// Finding "unbuffered I/O": many small reads or writes from one call site on
// one file, where a buffer would need a handful (Darshan/Drishti's small-I/O
// rule, made specific: which file, which line, what it costs).
#include "../model/syscall_names.h"
#include "../text/format.h"
#include "io_site_totals.h"
#include "rules.h"
#include "stream_advice.h"

namespace analyzer {
namespace {

bool is_dd(const Log& log) {
    const std::string& exe = log.process.exe;
    return exe == "dd" || (exe.size() > 3 && exe.compare(exe.size() - 3, 3, "/dd") == 0);
}

Finding make_finding(const Log& log, CallSites& sites, const Thresholds& limits, const SiteTotals& t) {
    const FileInfo* file = log.file(t.file_id);
    std::string target = file ? file->name()
                              : "an untracked descriptor";
    double average = t.calls ? double(t.bytes) / double(t.calls) : 0;
    uint64_t buffered_calls = t.bytes / limits.io_buffer_bytes + 1;  // + the final EOF/flush call
    double wall = double(log.duration_ns()) / 1e9;
    double inside = double(t.time_ns) / 1e9;

    Finding f;
    f.kind = "unbuffered-io";
    // One site can make several syscalls (read and readv): name the main one only for its own calls.
    std::string calls = t.main_calls == t.calls
        ? with_commas(t.calls) + " " + syscall_name(t.main_syscall) + "() calls "
        : with_commas(t.calls) + (t.writes ? " write" : " read") + "-family calls (" + with_commas(t.main_calls) +
              " " + syscall_name(t.main_syscall) + "()) ";
    f.title = "Unbuffered I/O: " + calls + (t.writes ? "to " : "on ") + target + " averaging " + fixed(average, 1) + " B";
    f.site = sites.site_name(t.stack_id, t.site);
    f.stack = sites.frames(t.stack_id, t.site, 6);
    StreamCalls stream;
    if (t.stream != nullptr) {
        stream = {t.writes, t.stream->buffering, t.stream->buffer_size, t.stream->caused_by,
                  through_iostreams(log, *t.stream)};
        f.title += ", " + stream_cause(stream);
    }
    f.evidence.push_back(with_commas(t.calls) + " calls moved " + human_bytes(double(t.bytes)) + "; " +
                         percent(double(t.small), double(t.calls)) + " of them moved at most " +
                         with_commas(limits.io_small_bytes) + " B");
    if (log.ticks_calibrated)
        f.evidence.push_back(human_seconds(inside) + " inside these calls (wall time" +
                             (t.untimed > 0 ? ", " + sample_note(t.calls, t.untimed) : std::string()) + "): " +
                             percent(inside, wall) + " of the " + human_seconds(wall) + " run");
    else
        f.evidence.push_back("time inside the calls unknown: the log has no end record to calibrate the clock");
    f.evidence.push_back("a " + human_bytes(double(limits.io_buffer_bytes)) + " buffer would move the same data in " +
                         with_commas(buffered_calls) + (buffered_calls == 1 ? " call (" : " calls (") +
                         fixed(double(t.calls) / double(buffered_calls), 0) + "x fewer)");
    if (t.stream != nullptr) f.evidence.insert(f.evidence.begin() + 1, stream_reason(stream));
    f.advice = t.stream != nullptr ? stream_advice(stream)
               : is_dd(log)
        ? "dd moves bs= bytes per call (512 B unless told): give it bs=64K or more, or ibs=/obs= for one side."
               : t.writes
        ? "Collect the output in memory and write it in blocks of " + human_bytes(double(limits.io_buffer_bytes)) +
              " or more (stdio's fwrite or std::ofstream buffer for you; do not flush per item)."
        : "Read through a buffer: one read() of " + human_bytes(double(limits.io_buffer_bytes)) +
              " or more, then take bytes from memory (a refilled array, or fread/std::ifstream, which buffer for you).";
    f.cost_ns = t.time_ns;
    f.cost_estimated = t.untimed > 0;  // scaled up from the timed sample of calls
    f.cost_known = log.ticks_calibrated;
    f.figures = {{"calls", double(t.calls)},
                 {"bytes", double(t.bytes)},
                 {"average_bytes", average},
                 {"small_calls", double(t.small)},
                 {"seconds_in_calls", inside},
                 {"share_of_wall_time", wall > 0 ? inside / wall : 0},
                 {"calls_with_buffer", double(buffered_calls)}};
    return f;
}

}  // namespace

std::vector<Finding> find_unbuffered_io(const RuleInput& in) {
    const Log& log = in.log;
    const Thresholds& limits = in.limits;
    std::vector<Finding> found;
    for (const auto& entry : totals_by_site(log, limits.io_small_bytes)) {
        const SiteTotals& t = entry.second;
        if (t.calls < limits.io_min_calls) continue;
        if (double(t.small) <= limits.io_small_share * double(t.calls)) continue;
        if (scattered_reads(log, t)) continue;  // a buffer would not help: find_scattered_reads
        found.push_back(make_finding(log, in.sites, limits, t));
    }
    return found;
}

}  // namespace analyzer
