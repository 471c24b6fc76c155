// The text report's "Threads" section: how many threads, how many at once,
// lifetimes, CPU and start-up cost by what they ran, and time in pthread_join.
#include <cstdio>

#include "../symbols/thread_names.h"
#include "../analysis/threads_summary.h"
#include "../analysis/unseen_io.h"
#include "../text/format.h"
#include "report.h"

namespace analyzer {
namespace {

std::string seconds(double ns) { return human_seconds(ns / 1e9); }

void write_group(const ThreadGroupStats& g, bool times_known, std::ostream& out) {
    std::string lifetime = !times_known ? "unknown"
                           : g.count() == 1
                               ? seconds(g.lifetime_median_ns)
                               : seconds(g.lifetime_min_ns) + " / " + seconds(g.lifetime_median_ns) + " / " +
                                     seconds(g.lifetime_max_ns);
    std::string start = times_known && g.creation_known > 0 ? seconds(g.creation_median_ns) : "-";
    char line[256];
    snprintf(line, sizeof line, "  %9s  %-30s %10s %10s %10s  ", with_commas(g.count()).c_str(), lifetime.c_str(),
             seconds(g.cpu_median_ns).c_str(), seconds(g.cpu_total_ns).c_str(), start.c_str());
    out << line << g.label << "\n";
}

std::string endings(const ThreadsSummary& s) {
    static const char* const names[] = {"returned", "ended in pthread_exit", "cancelled", "still alive at exit"};
    uint64_t ended[4] = {};
    for (const ThreadGroupStats& g : s.groups)
        for (int i = 0; i < 4; ++i) ended[i] += g.ended[i];
    std::string text;
    for (int i = 0; i < 4; ++i)
        if (ended[i] > 0) text += (text.empty() ? "" : ", ") + with_commas(ended[i]) + " " + names[i];
    return text;
}

void write_joins(const ThreadsSummary& s, size_t top, std::ostream& out) {
    if (s.joiners.empty()) return;
    out << "  Waiting in pthread_join (wall time):\n";
    for (size_t i = 0; i < s.joiners.size() && i < top; ++i) {
        const JoinWait& j = s.joiners[i];
        out << "    " << j.label << " (tid " << j.tid << "): " << with_commas(j.joins)
            << (j.joins == 1 ? " join, " : " joins, ")
            << (s.times_known ? seconds(j.wait_ns) : std::string("time unknown")) << " waiting\n";
    }
    if (s.joiners.size() > top) out << "    ... " << s.joiners.size() - top << " more joining threads (use --top)\n";
}

uint64_t less(uint64_t a, uint64_t b) { return a > b ? a - b : 0; }

// The program's calls on these threads as the kernel counted them (the
// shim's own taken off), those the hooks saw, and the rest.
std::string io_columns(const IoDirection& d) {
    char text[96];
    snprintf(text, sizeof text, "%11s %9s %9s %10s", with_commas(less(d.kernel_calls, d.own_calls)).c_str(),
             with_commas(d.hooked_calls).c_str(), with_commas(d.unseen_calls).c_str(),
             human_bytes(double(less(d.kernel_bytes, d.own_bytes))).c_str());
    return text;
}

void write_kernel_io(const ThreadsSummary& s, size_t top, std::ostream& out) {
    if (s.io_state == ThreadIoState::NotAvailable) {
        out << "  Read/write syscalls per thread: the kernel's per-thread counts are not available "
               "(CONFIG_TASK_IO_ACCOUNTING)\n";
        return;
    }
    if (s.io_state != ThreadIoState::Known) return;
    out << "  Read/write syscalls per thread, as the kernel counted them (the shim's own taken off), "
        << (s.io_read == s.threads ? "all " + with_commas(s.threads) + " threads read"
                                   : with_commas(s.io_read) + " of " + with_commas(s.threads) + " threads read")
        << ":\n";
    out << "   threads        reads    hooked   no hook      bytes       writes    hooked   no hook      bytes"
           "   what they ran\n";
    for (size_t i = 0; i < s.groups.size() && i < top; ++i) {
        const ThreadGroupStats& g = s.groups[i];
        if (g.io_read == 0) continue;
        char count[32];
        snprintf(count, sizeof count, "%10s", with_commas(g.io_read).c_str());
        out << count << "  " << io_columns(g.io_reads) << "  " << io_columns(g.io_writes) << "   " << g.label << "\n";
    }
    if (s.io_read < s.threads)
        out << "  (reading a thread's counts costs three syscalls: threads that lived under ~1.5 ms are read in a "
               "sample; the others' calls are in the process's totals only)\n";
}

}  // namespace

void write_threads_section(const ReportInput& in, std::ostream& out) {
    const ThreadsSummary& s = in.analysis.threads;
    if (!s.present) return;
    if (s.threads == 1 && s.groups.size() == 1 && s.groups[0].is_main) {
        const ThreadGroupStats& main = s.groups[0];
        out << "\nThreads: the main thread only (";
        if (s.times_known) out << seconds(main.lifetime_median_ns) << " alive, ";
        out << seconds(main.cpu_total_ns) << " of CPU)\n";
        return;
    }
    out << "\nThreads (" << with_commas(s.threads) << " in all, " << with_commas(s.created)
        << " started by pthread_create";
    if (s.times_known)
        out << "; at most " << with_commas(s.peak_alive) << " alive at once, at " << seconds(s.peak_at_ns);
    out << "; " << seconds(s.cpu_total_ns) << " of CPU in all)\n";
    if (!s.times_known) out << "  (lifetimes unknown: the log has no end record to calibrate the clock)\n";
    out << "    threads  lifetime min / median / max     CPU median  CPU total  start-up   what they ran\n";
    for (size_t i = 0; i < s.groups.size() && i < in.top; ++i) write_group(s.groups[i], s.times_known, out);
    if (s.groups.size() > in.top) out << "  ... " << s.groups.size() - in.top << " more kinds of thread (use --top)\n";
    out << "  start-up = pthread_create called to the thread running (median)\n";
    if (s.cpu_estimated > 0)
        out << "  CPU of " << with_commas(s.cpu_estimated) << " short-lived threads (under ~0.1 ms) is an estimate: "
            << "the shim read a sample of " << with_commas(s.cpu_sampled)
            << " such threads' clocks, and each of the others counts at its kind's mean\n";
    out << "  Ended: " << endings(s) << "\n";
    write_joins(s, in.top, out);
    write_kernel_io(s, in.top, out);
}

}  // namespace analyzer
