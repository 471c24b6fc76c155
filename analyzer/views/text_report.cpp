// The text report: who ran, findings first, then the evidence tables.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <string>

#include "../model/syscall_names.h"
#include "../symbols/elf_kind.h"
#include "../symbols/name_simplify.h"
#include "../text/terminal.h"
#include "../analysis/budget_words.h"
#include "../analysis/unseen_io.h"
#include "../text/format.h"
#include "report.h"

namespace analyzer {
namespace {

std::string pad(const std::string& s, size_t width, bool right = true) {
    size_t chars = utf8_length(s);  // width in characters, not bytes
    if (chars >= width) return s;
    std::string fill(width - chars, ' ');
    return right ? fill + s : s + fill;
}



void write_header(const Log& log, const AllocReport& allocs, bool colour, std::ostream& out) {
    const ProcessInfo& p = log.process;
    out << "Command:  " << printable(p.shell_command()) << "\n";
    out << "Process:  pid " << p.pid << " (parent " << p.ppid << (p.parent_traced ? ", traced too" : "")
        << "), " << log.ending();
    if (log.duration_ns() > 0) out << ", " << human_seconds(double(log.duration_ns()) / 1e9) << " wall";
    out << "\n";
    char when[64] = "";
    time_t secs = static_cast<time_t>(p.start_realtime_ns / 1000000000u);
    struct tm tm_buf;
    if (localtime_r(&secs, &tm_buf) != nullptr) strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm_buf);
    out << "Log:      " << printable(log.path)
        << (log.partial ? "  " + paint("[PARTIAL: " + log.partial_reason + "]", Paint::Warning, colour) : "  (complete)")
        << ", started " << when << "\n";
    if (log.window.present) {
        const WindowInfo& w = log.window;
        out << "Window:   " << w.index << " of its run (opened by " << window_cause_name(w.opened_by) << ", closed by "
            << window_cause_name(w.closed_by) << "): every figure below covers this window only";
        if (w.heap_at_start > 0) out << "; malloc held " << human_bytes(w.heap_at_start) << " when it opened";
        if (w.heap_at_end > 0) out << ", " << human_bytes(w.heap_at_end) << " when it closed";
        out << "\n";
    }
    if (log.budget.present) {
        out << "Budget:   " << budget_summary(log) << "\n";
        for (const std::string& line : {budget_sampling_consequence(log), budget_stop_consequence(log)})
            if (!line.empty()) out << "Warning:  " << paint(line, Paint::Warning, colour) << "\n";
    }
    if (log.end.dropped > 0)
        out << "Warning:  the shim dropped " << with_commas(log.end.dropped)
            << " events (a table was full, a chunk could not be written, or a raw clone inherited them unwritten): counts below are lower bounds\n";
    if (!allocs.problem.empty())
        out << "Warning:  " << paint("allocation events could not all be read (" + allocs.problem + ")", Paint::Warning, colour)
            << ": allocation figures below are lower bounds\n";
    for (const auto& note : log.notes) {
        if (note.first == shimlog::NoteKind::Allocator)
            out << "Note:     malloc is served by " << note.second
                << ", not libc: allocation figures are what that allocator was asked for\n";
        else if (note.first == shimlog::NoteKind::Sanitizer)
            out << "Note:     " << note.second
                << " is loaded and owns malloc: allocation sizes and counts include its own bookkeeping\n";
        else if (note.first == shimlog::NoteKind::CpuProfile)
            out << "Note:     CPU profile: " << printable(note.second) << "\n";
    }
    if (log.stack_mismatches > 0)
        out << "Warning:  " << with_commas(log.stack_mismatches) << " of " << with_commas(log.stack_checks)
            << " re-checked allocation stacks differed from a fresh unwind: stacks may be misattributed\n";
    if (elf_kind(p.exe) == ElfKind::Go)  // the shim ran, but Go's own syscalls bypassed it
        out << "Note:     " << preload_blind_spot(ElfKind::Go, p.exe) << "\n";
    if (log.unknown_records > 0)
        out << "Note:     " << with_commas(log.unknown_records)
            << " records of types this analyzer does not know were skipped\n";
}

void write_findings(const Log& log, const std::vector<Finding>& findings, bool colour, std::ostream& out) {
    out << "\nFindings\n";
    if (findings.empty() && log.end.dropped > 0) {
        out << "  none found, but the counts are incomplete: the shim dropped " << with_commas(log.end.dropped)
            << " events, and a rule may have missed what it would have fired on\n";
        return;
    }
    if (findings.empty()) {
        out << "  none: no rule fired (see the tables below for what was measured)\n";
        return;
    }
    int n = 0;
    for (const Finding& f : findings) {
        out << "  " << ++n << ". " << paint(f.title, Paint::Heading, colour) << "\n";
        out << "     at " << simplify_site(f.site) << "\n";
        for (size_t i = 1; i < f.stack.size(); ++i) out << "        called from " << simplify_site(f.stack[i]) << "\n";
        for (const std::string& line : f.evidence) out << "     - " << line << "\n";
        out << "     Fix: " << f.advice << "\n";
    }
}

// How many cheap count-triggered findings --min-cost left out, and how to see them.
void write_left_out(const ReportInput& in, std::ostream& out) {
    size_t n = in.findings_left_out;
    if (n == 0) return;
    out << "  " << with_commas(n) << (n == 1 ? " more finding costs" : " more findings cost") << " under "
        << human_seconds(in.min_cost_ns / 1e9) << " (--min-cost: " << in.min_cost_text << ") and "
        << (n == 1 ? "is" : "are") << " left out; --min-cost 0 shows " << (n == 1 ? "it" : "them") << "\n";
}

// stdio's calls are not syscalls: a line apart, saying what stays unseen.
void write_stdio_calls(const Log& log, const Analysis& analysis, std::ostream& out) {
    const std::vector<SyscallTotals>& rows = analysis.stdio_calls;
    if (rows.empty()) return;
    bool streams_seen = std::any_of(log.io_sites.begin(), log.io_sites.end(),
                                    [](const IoSite& site) { return site.made_by_stream(); });
    out << (streams_seen ? "  stdio calls the program made (the refills and flushes they caused are above):"
                         : "  stdio calls (buffered inside libc; the read/write syscalls behind them are not seen):");
    for (const SyscallTotals& r : rows) out << " " << syscall_name(r.syscall) << " " << with_commas(r.calls);
    out << "\n";
}

// What the kernel counted beside what the hooks saw (unseen_io.h).
void write_kernel_counts(const Analysis& analysis, std::ostream& out) {
    const UnseenIo& u = analysis.unseen;
    if (!u.known) {
        out << "  (no kernel counts to compare with: an older shim, or a kernel without task I/O accounting)\n";
        return;
    }
    auto side = [](const IoDirection& d, const char* what) {
        return with_commas(d.kernel_calls) + " " + what + " (" + with_commas(d.hooked_calls) + " seen by the hooks, " +
               with_commas(d.own_calls) + " the shim's own)";
    };
    out << "  the kernel counted " << side(u.reads, "reads") << " and " << side(u.writes, "writes") << "\n";
    if (u.reads.unseen_calls + u.writes.unseen_calls == 0) return;
    std::string unseen;
    for (const auto& [d, what] : {std::pair<const IoDirection&, const char*>{u.reads, " reads"},
                                  std::pair<const IoDirection&, const char*>{u.writes, " writes"}})
        if (d.unseen_calls > 0)
            unseen += (unseen.empty() ? "" : ", ") + with_commas(d.unseen_calls) + what + " averaging " +
                      fixed(d.unseen_average(), 1) + " B";
    out << "  made where no hook sees (inside libc: stdio's refills and flushes, the loader; raw syscalls): "
        << unseen << "\n";
}

void write_syscalls(const Log& log, const Analysis& analysis, std::ostream& out) {
    const std::vector<SyscallTotals>& rows = analysis.syscalls;
    out << "\nSyscalls (times are wall time inside each call, not CPU time)\n";
    if (rows.empty()) {
        out << "  no read or write calls through the hooks\n";
        write_kernel_counts(analysis, out);
        write_stdio_calls(log, analysis, out);
        return;
    }
    uint64_t total_ns = 0, total_calls = 0, total_errors = 0, untimed = 0;
    for (const SyscallTotals& r : rows)
        total_ns += r.time_ns, total_calls += r.calls, total_errors += r.errors, untimed += r.untimed_calls;
    out << "  % time     seconds  usecs/call     calls    errors syscall\n";
    out << "  ------ ----------- ----------- --------- --------- ----------------\n";
    auto row = [&](double pct, uint64_t ns, uint64_t calls, uint64_t errors, const std::string& name) {
        char line[160];
        snprintf(line, sizeof line, "  %6.2f %11.6f %11llu %9llu %9s %s\n", pct, double(ns) / 1e9,
                 calls ? (unsigned long long)(ns / 1000 / calls) : 0ull, (unsigned long long)calls,
                 errors ? std::to_string(errors).c_str() : "", name.c_str());
        out << line;
    };
    for (const SyscallTotals& r : rows)
        row(total_ns ? 100.0 * double(r.time_ns) / double(total_ns) : 0, r.time_ns, r.calls, r.errors,
            syscall_name(r.syscall));
    out << "  ------ ----------- ----------- --------- --------- ----------------\n";
    row(100, total_ns, total_calls, total_errors, "total");
    if (!log.ticks_calibrated) out << "  (times unknown: the log has no end record to calibrate the clock)\n";
    else if (untimed > 0) out << "  (time in calls " << sample_note(total_calls, untimed) << "; every call is counted)\n";
    write_kernel_counts(analysis, out);
    write_stdio_calls(log, analysis, out);
}

void write_files(const Log& log, const Analysis& analysis, size_t top, std::ostream& out) {
    const std::vector<FileTotals>& rows = analysis.files;
    if (rows.empty()) return;
    out << "\nFiles (calls by size moved; EOF = reads that returned 0)\n";
    out << "  " << pad("op", 8, false) << pad("calls", 10) << pad("bytes", 11) << pad("avg B", 10)
        << pad("seq%", 6) << "  " << pad("EOF", 6) << pad("1B", 11) << pad("≤16B", 10) << pad("≤512B", 10)
        << pad("≤4K", 8) << pad("≤64K", 8) << pad("≤1M", 7) << pad(">1M", 6) << "  kind    path\n";
    size_t shown = 0;
    for (const FileTotals& t : rows) {
        if (shown++ == top) {
            out << "  ... " << rows.size() - top << " more (use --top)\n";
            break;
        }
        const FileInfo* file = log.file(t.file_id);
        std::string path = file ? file->name()
                                : "(untracked descriptor)";
        std::string kind = file ? file_kind_name(file->kind) : "?";
        double avg = t.calls ? double(t.bytes) / double(t.calls) : 0;
        out << "  " << pad(op_label(t), 8, false) << pad(with_commas(t.calls), 10)
            << pad(with_commas(t.bytes), 11) << pad(fixed(avg, 1), 10)
            << pad(t.calls ? fixed(100.0 * double(t.sequential) / double(t.calls), 0) : "-", 6)
            << "  " << pad(with_commas(t.histogram[0]), 6);
        static const size_t widths[] = {0, 11, 10, 10, 8, 8, 7, 6};
        for (unsigned b = 1; b < shimlog::kSizeBuckets; ++b) out << pad(with_commas(t.histogram[b]), widths[b]);
        out << "  " << pad(kind, 7, false) << " " << printable(path);
        if (t.opens > 1) out << "  (opened " << with_commas(t.opens) << " times)";
        out << "\n";
    }
}

}  // namespace

void write_text_report(const ReportInput& in, std::ostream& out) {
    write_header(in.log, in.analysis.allocs, in.colour, out);
    if (in.findings.empty() && in.findings_left_out > 0)
        out << "\nFindings\n  none that cost " << human_seconds(in.min_cost_ns / 1e9) << " or more\n";
    else
        write_findings(in.log, in.findings, in.colour, out);
    write_left_out(in, out);
    write_cpu_section(in, out);
    write_waits_section(in, out);
    write_syscalls(in.log, in.analysis, out);
    write_files(in.log, in.analysis, in.top, out);
    write_alloc_section(in, out);
    write_threads_section(in, out);
    write_concurrency_section(in, out);
}

}  // namespace analyzer
