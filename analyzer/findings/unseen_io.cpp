// Finding "unbuffered I/O" for the calls no hook sees: thousands of small
// read or write syscalls that the kernel counted but that did not pass
// through libc's exported functions, i.e. were made inside libc for stdio
// (printf + fflush per line, an unbuffered stream read with getc, iostreams
// tied to each other) or by raw syscalls. The hooked stdio calls, when there
// are any, point at the code that drives the stream.
#include <algorithm>
#include <utility>

#include "../model/saturate.h"
#include "../model/syscall_names.h"
#include "../symbols/thread_names.h"
#include "../analysis/unseen_io.h"
#include "../text/format.h"
#include "rules.h"

namespace analyzer {
namespace {

// The busiest hooked stdio call site in one direction (fwrite, fputs, fgets,
// printf, ...); on a tie fflush, which is what makes a stream write.
const IoSite* busiest_stdio_site(const Log& log, bool writes) {
    const IoSite* best = nullptr;
    auto rank = [](const IoSite& s) { return std::make_pair(s.calls, s.syscall == shimlog::Syscall::fflush); };
    for (const IoSite& site : log.io_sites)
        if (shimlog::is_stdio(site.syscall) && shimlog::is_write(site.syscall) == writes &&
            (best == nullptr || rank(site) > rank(*best)))
            best = &site;
    return best;
}

std::string file_name(const Log& log, uint32_t file_id) {
    const FileInfo* file = log.file(file_id);
    return file == nullptr ? "an untracked stream" : file->name();
}

// What a hooked syscall of this direction took on average in this run: the
// unseen calls' cost is estimated from it (0 when there is none to go by).
double mean_call_ns(const Log& log, bool writes) {
    uint64_t calls = 0, ns = 0;
    for (const IoSite& site : log.io_sites)
        if (!shimlog::is_stdio(site.syscall) && shimlog::is_write(site.syscall) == writes)
            calls += site.calls, ns += site.time_ns;
    return calls ? double(ns) / double(calls) : 0;
}

// With several threads: which made the calls no hook saw, from the kernel's
// per-thread counts (the most first).
std::string unseen_by_thread(const Log& log, const ThreadsUnseenIo& io, CallSites& sites, bool writes) {
    if (log.threads.size() < 2) return "";
    if (io.state == ThreadIoState::NotAvailable)
        return "which thread made them is not known: the kernel's per-thread counts are not available "
               "(CONFIG_TASK_IO_ACCOUNTING)";
    if (io.state != ThreadIoState::Known) return "";
    std::vector<const ThreadUnseenIo*> made;
    for (const ThreadUnseenIo& t : io.threads)
        if ((writes ? t.writes : t.reads).unseen_calls > 0) made.push_back(&t);
    std::stable_sort(made.begin(), made.end(), [writes](const ThreadUnseenIo* a, const ThreadUnseenIo* b) {
        return (writes ? a->writes : a->reads).unseen_calls > (writes ? b->writes : b->reads).unseen_calls;
    });
    uint64_t read = 0;
    for (const ThreadUnseenIo& t : io.threads) read += t.thread >= 0 ? 1 : 0;
    std::string text = "by thread, from the kernel's per-thread counts: ";
    ThreadNamer names(sites);
    constexpr size_t kNamed = 3;
    for (size_t i = 0; i < made.size() && i < kNamed; ++i) {
        const ThreadUnseenIo& t = *made[i];
        text += (i == 0 ? "" : "; ") +
                (t.thread >= 0 ? names.label(log.threads[size_t(t.thread)]) : std::string("a thread")) +
                " (tid " + std::to_string(t.tid) + ") made " + with_commas((writes ? t.writes : t.reads).unseen_calls);
    }
    if (made.empty()) text += "none of the threads whose counts were read";
    if (made.size() > kNamed) text += "; and " + with_commas(made.size() - kNamed) + " more threads";
    if (read < log.threads.size())
        text += " (the kernel's counts were read for " + with_commas(read) + " of " + with_commas(log.threads.size()) +
                " threads: short-lived ones in a sample)";
    return text;
}

Finding make_finding(const Log& log, const ThreadsUnseenIo& threads_io, CallSites& sites, const Thresholds& limits,
                     const IoDirection& d, bool writes) {
    Finding f;
    f.kind = "unbuffered-io";
    double average = d.unseen_average();
    f.title = "Unbuffered I/O inside libc: " + with_commas(d.unseen_calls) + (writes ? " write" : " read") +
              " syscalls averaging " + fixed(average, 1) + " B that no hook saw (stdio or iostreams " +
              (writes ? "flushing" : "refilling") + " per call?)";
    const IoSite* driver = busiest_stdio_site(log, writes);
    if (driver != nullptr) {
        f.site = sites.site_name(driver->stack_id, driver->site);
        f.stack = sites.frames(driver->stack_id, driver->site, 6);
        f.evidence.push_back("the busiest stdio call site of this direction: " + with_commas(driver->calls) + " " +
                             syscall_name(driver->syscall) + "() calls on " + file_name(log, driver->file_id) +
                             (driver->calls ? ", " + fixed(double(driver->bytes_done) / double(driver->calls), 1) +
                                                  " B each" : ""));
    } else {
        f.site = std::string("inside libc: ") +
                 (writes ? "printf, putc or std::cout" : "getc, scanf or std::cin") +
                 " (calls the shim does not intercept)";
    }
    f.evidence.push_back("the kernel counted " + with_commas(d.kernel_calls) + (writes ? " write" : " read") +
                         " syscalls moving " + human_bytes(double(d.kernel_bytes)) + "; the hooks saw " +
                         with_commas(d.hooked_calls) + " of the program's, the shim made " +
                         with_commas(d.own_calls) + " itself");
    std::string by_thread = unseen_by_thread(log, threads_io, sites, writes);
    if (!by_thread.empty()) f.evidence.push_back(by_thread);
    uint64_t buffered_calls = d.unseen_bytes / limits.io_buffer_bytes + 1;
    f.evidence.push_back("a " + human_bytes(double(limits.io_buffer_bytes)) + " buffer would move the same " +
                         human_bytes(double(d.unseen_bytes)) + " in " + with_commas(buffered_calls) +
                         (buffered_calls == 1 ? " call" : " calls"));
    double per_call = mean_call_ns(log, writes);
    if (per_call > 0)
        f.evidence.push_back("at this run's " + human_seconds(per_call / 1e9) + " per hooked call, about " +
                             human_seconds(per_call * double(d.unseen_calls) / 1e9) + " in these calls");
    f.advice = writes
        ? "Let the stream buffer: drop the per-line fflush (and std::endl: write '\\n'), give the stream a full "
          "buffer (setvbuf(f, NULL, _IOFBF, 1 << 16)), and in C++ call std::ios::sync_with_stdio(false) and "
          "std::cin.tie(nullptr) (a tied std::cin flushes std::cout before every read)."
        : "Give the stream a buffer: an unbuffered one (setvbuf _IONBF, or a terminal-like input) reads a byte "
          "per syscall; setvbuf(f, NULL, _IOFBF, 1 << 16), or read in blocks with fread; for dd, a larger bs=.";
    f.cost_ns = saturating_u64(per_call * double(d.unseen_calls));
    f.cost_estimated = true;
    f.cost_known = per_call > 0;  // no timed call of this direction to go by
    f.figures = {{"unseen_calls", double(d.unseen_calls)},
                 {"unseen_bytes", double(d.unseen_bytes)},
                 {"average_bytes", average},
                 {"kernel_calls", double(d.kernel_calls)},
                 {"hooked_calls", double(d.hooked_calls)},
                 {"shim_calls", double(d.own_calls)},
                 {"calls_with_buffer", double(buffered_calls)}};
    return f;
}

bool is_unbuffered(const IoDirection& d, const Thresholds& limits) {
    return d.unseen_calls >= limits.io_min_calls && d.unseen_average() <= double(limits.io_small_bytes);
}

}  // namespace

std::vector<Finding> find_unseen_unbuffered_io(const RuleInput& in) {
    const Thresholds& limits = in.limits;
    const ThreadsUnseenIo& threads_io = in.analysis.threads_unseen;
    std::vector<Finding> found;
    const UnseenIo& u = in.analysis.unseen;
    if (!u.known) return found;
    if (is_unbuffered(u.reads, limits)) found.push_back(make_finding(in.log, threads_io, in.sites, limits, u.reads, false));
    if (is_unbuffered(u.writes, limits)) found.push_back(make_finding(in.log, threads_io, in.sites, limits, u.writes, true));
    return found;
}

}  // namespace analyzer
