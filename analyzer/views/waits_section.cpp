// The text report's "Waits" section: the objects threads blocked on, the
// most wait first, each with where they waited and (mutexes) where the lock
// was released while they waited, and what the shim cannot see. Without
// wait records, one line for a threaded run: none contended, or not recorded.
#include "../analysis/wait_objects.h"
#include "../analysis/waits.h"
#include "../symbols/name_simplify.h"
#include "../text/format.h"
#include "report.h"

namespace analyzer {
namespace {

constexpr size_t kSitesShown = 3;

std::string seconds(uint64_t ns) { return human_seconds(double(ns) / 1e9); }

std::string count(uint64_t n, const char* one, const char* many) { return with_commas(n) + " " + (n == 1 ? one : many); }

std::string object_line(const WaitsSummary& s, const WaitObject& o) {
    std::string line = wait_object_phrase(o.kind, o.label) + " — " + wait_meaning(o.kind) + ": ";
    if (s.timed) {
        line += seconds(o.wait_ns) + " in " + count(o.waits, "wait", "waits");
        if (s.threads_lifetime_ns > 0) line += " (" + percent(double(o.wait_ns), s.threads_lifetime_ns) + " of the threads' time)";
    } else {
        line += count(o.waits, "wait", "waits");
    }
    line += ", " + std::string(o.threads_at_least ? "at least " : "") + count(o.threads, "thread", "threads");
    if (s.timed && o.waits > 0) line += ", longest " + seconds(o.max_ns);
    if (o.timeouts > 0) line += ", " + count(o.timeouts, "timed out", "timed out");
    return line;
}

void write_sites(const WaitsSummary& s, const WaitObject& o, std::ostream& out) {
    for (size_t i = 0; i < o.sites.size() && i < kSitesShown; ++i) {
        const WaitSiteTotals& site = o.sites[i];
        out << "       waited at " << printable(simplify_site(site.where));
        if (o.noun == "rwlock") out << " (" << (site.kind == shimlog::WaitKind::RwRead ? "read" : "write") << ")";
        out << ": " << count(site.waits, "wait", "waits");
        if (s.timed) out << ", " << seconds(site.wait_ns);
        out << ", " << count(site.threads, "thread", "threads") << "\n";
    }
    if (o.sites.size() > kSitesShown) out << "       ... " << o.sites.size() - kSitesShown << " more wait sites\n";
    for (size_t i = 0; i < o.holders.size() && i < kSitesShown; ++i) {
        const HolderSiteTotals& h = o.holders[i];
        // A work semaphore's posts are no release of a lock: who woke the waiters.
        if (o.is_lock())
            out << "       held until " << printable(simplify_site(h.where)) << ": released "
                << count(h.releases, "time", "times") << " with waiters";
        else
            out << "       posted at " << printable(simplify_site(h.where)) << ": "
                << count(h.releases, "time", "times") << " with waiters";
        if (s.timed) out << ", ending " << seconds(h.delay_ns) << " of waits";
        if (s.timed && h.timed_holds > 0)
            out << "; " << with_commas(h.timed_holds) << " timed holds averaging "
                << seconds(h.hold_ns / h.timed_holds) << ", longest " << seconds(h.max_hold_ns);
        out << "\n";
    }
    if (o.holders.size() > kSitesShown) out << "       ... " << o.holders.size() - kSitesShown << " more release sites\n";
}

}  // namespace

std::string waits_absent_line(const ReportInput& in) {
    const WaitsSummary& s = in.analysis.waits;
    // A threaded run says which "nothing" it is: no thread blocked, or none looked at.
    if (s.present || in.log.threads.size() < 2) return "";
    if (!s.not_recorded.empty())
        return s.not_recorded + ": threads blocked on a lock, condition or join show only as time off the CPU";
    return "none contended (no thread blocked on a mutex, rwlock, condition, semaphore, barrier or join the shim hooks)";
}

void write_waits_section(const ReportInput& in, std::ostream& out) {
    const WaitsSummary& s = in.analysis.waits;
    if (!s.present) {
        std::string absent = waits_absent_line(in);
        if (absent.empty()) return;
        out << "\nWaits: " << absent << "\n";
        if (s.not_recorded.empty()) out << "  " << kWaitsBlindSpots << "\n";
        return;
    }
    uint64_t waits = 0;
    for (const WaitObject& o : s.objects) waits += o.waits;
    out << "\nWaits (contended only: " << count(waits, "wait", "waits") << " on "
        << count(s.objects.size(), "object", "objects");
    if (s.timed)
        out << "; " << seconds(s.lock_wait_ns) << " in lock contention, " << seconds(s.event_wait_ns)
            << " waiting for work or an event, " << seconds(s.join_wait_ns) << " waiting for threads to end";
    out << ")\n";
    if (!s.timed) out << "  (times unknown: the log has no end record to calibrate the clock)\n";
    size_t shown = 0;
    for (const WaitObject& o : s.objects) {
        if (shown == in.top) {
            out << "  ... " << s.objects.size() - in.top << " more objects (use --top)\n";
            break;
        }
        out << "  " << ++shown << ". " << printable(object_line(s, o)) << "\n";
        write_sites(s, o, out);
    }
    if (s.timed && s.threads_lifetime_ns > 0)
        out << "  Shares are of the threads' summed lifetimes (" << human_seconds(s.threads_lifetime_ns / 1e9)
            << "); a wait overlaps other threads' work, so it is not time the run would save.\n";
    if (s.dropped_events > 0)
        out << "  " << with_commas(s.dropped_events)
            << " individual waits were lost to full buffers: the totals above are exact, thread counts may be lower bounds\n";
    out << "  " << kWaitsBlindSpots << "\n";
}

}  // namespace analyzer
