// The text report's "Allocations" section: totals, peak heap, what was left
// allocated, and the top allocation sites by count and by bytes.
#include <algorithm>
#include <cstdio>

#include "../analysis/alloc_sites.h"
#include "../symbols/name_simplify.h"
#include "../text/format.h"
#include "report.h"

namespace analyzer {
namespace {

constexpr size_t kCallersShown = 2;  // under each site in the by-count table

std::string count(uint64_t n, const char* noun) {
    return with_commas(n) + " " + noun + (n == 1 ? "" : "s");
}

// What the exit scan made of the blocks still allocated at exit.
void write_reachability(const Log& log, const AllocReport& a, std::ostream& out) {
    if (log.partial || a.live_allocations == 0) return;
    const Reachability& r = a.reach;
    if (!r.decided) {
        if (!a.sampled() && log.end.reason == shimlog::EndReason::Exit)
            out << "    reachable or lost: not known (" << r.undecided << ")\n";
        return;
    }
    out << "    still reachable at exit: " << count(r.reachable, "allocation") << ", "
        << human_bytes(double(r.reachable_bytes)) << " (kept until exit on purpose, the OS frees it)\n";
    if (r.possibly_lost > 0)
        out << "    possibly lost: " << count(r.possibly_lost, "allocation") << ", "
            << human_bytes(double(r.possibly_lost_bytes)) << " (only pointers into their middle were found)\n";
    out << "    lost: " << count(r.lost, "allocation") << ", " << human_bytes(double(r.lost_bytes))
        << " (no pointer to them was found)\n";
}

// "at the snapshot", "when the window ends", "at exit", "when the log ends".
std::string end_words(const Log& log) {
    if (log.window.present && log.window.closed_by == shimlog::WindowCause::Snapshot) return "at the snapshot";
    if (log.window.present && log.end.reason != shimlog::EndReason::Exit) return "when the window ends";
    return log.partial ? "when the log ends" : "at exit";
}

// A window's blocks from before it: listed live at its start (LiveBlocks),
// and what the shim could not see.
void write_window_blocks(const Log& log, const AllocReport& a, std::ostream& out) {
    if (!log.window.present) return;
    if (!a.start_known) {
        if (log.window.opened_by == shimlog::WindowCause::Fork)
            out << "  Blocks allocated before this window (by the parent, before the fork) are not known: their frees "
                   "count as frees of unknown blocks\n";
        else if (log.window.opened_by != shimlog::WindowCause::Start)  // window 1 of a running start: nothing came before
            out << "  Blocks allocated before this window are not known (no list of live blocks: an older shim, or "
                   "SHIM_ALLOC_SAMPLE): their frees count as frees of unknown blocks\n";
        return;
    }
    if (a.start_blocks == 0) {
        out << "  Live when the window opened: no block known\n";
    } else {
        out << "  Live when the window opened: " << count(a.start_blocks, "block") << ", "
            << human_bytes(double(a.start_bytes)) << " (allocated before it); " << with_commas(a.start_freed)
            << " freed in it (" << human_bytes(double(a.start_freed_bytes)) << "), " << with_commas(a.held_across)
            << " held across it (" << human_bytes(double(a.held_across_bytes)) << ", still live " << end_words(log) << ")\n";
    }
    if (log.live_at_start.after_pause()) {
        out << "  Not seen: blocks allocated while no window was open (this one opened after a pause) and frees then";
        if (a.start_freed_unseen > 0)
            out << "; " << count(a.start_freed_unseen, "listed block") << " had been freed then (address allocated again)";
        out << "\n";
    }
    if (log.live_at_start.incomplete())
        out << "  Warning: the shim's table of live blocks missed events: blocks from before the window may be missing\n";
}

void write_totals(const Log& log, const AllocReport& a, std::ostream& out) {
    out << "  " << count(a.allocations, "allocation") << " (" << human_bytes(double(a.bytes)) << "), "
        << count(a.frees, "free") << ", in " << count(a.threads, "thread")
        << "; " << (a.sampled() ? std::string("temporary not known (sampled)")
                                 : with_commas(a.temporary) + " temporary (" +
                                       percent(double(a.temporary), double(a.allocations)) + ")")
        << "\n";
    out << "  Peak heap " << human_bytes(double(a.peak_bytes));
    double when = seconds_since_start(log, a.peak_ticks);
    // Events carry the chunk's latest clock mark, taken about every millisecond.
    if (a.peak_bytes > 0 && when >= 0) out << ", first reached " << fixed(when, 3) << " s into the " << (log.window.present ? "window" : "run");
    if (a.start_known && a.start_bytes > 0) out << " (counting the " << human_bytes(double(a.start_bytes)) << " live when the window opened)";
    out << "\n";
    out << "  Still allocated " << end_words(log) << ": " << count(a.live_allocations, "allocation")
        << (a.start_known ? " made in the window" : "") << ", " << human_bytes(double(a.live_bytes)) << "\n";
    write_window_blocks(log, a, out);
    write_reachability(log, a, out);
    if (a.unknown_frees > 0)
        out << "  " << count(a.unknown_frees, "free") << " of blocks allocated "
            << (log.window.present ? "while no window was open (not known to the shim)\n" : "before tracing began\n");
    if (a.lost_frees > 0)
        out << "  Warning: " << with_commas(a.lost_frees)
            << " blocks were allocated again while still live: their frees are missing from the log\n";
    if (a.out_of_order > 0)
        out << "  Warning: " << with_commas(a.out_of_order) << " events out of sequence order\n";
    if (!a.problem.empty()) out << "  Warning: " << a.problem << "; counts are lower bounds\n";
}

// Sampling mode knows no temporary blocks: "-", not a confident 0%.
bool g_sampled = false;
// When the exit scan decided, the column shows what was lost, not what was held.
bool g_decided = false;

void write_row(const AllocSite& s, std::ostream& out) {
    char line[128];
    std::string temporary = g_sampled ? "-" : percent(double(s.temporary), double(s.allocations));
    uint64_t held = g_decided ? s.lost_bytes : s.leaked ? s.leaked_bytes : 0;
    snprintf(line, sizeof line, "  %13s %11s %9s %11s %10s  ", with_commas(s.allocations).c_str(),
             human_bytes(double(s.bytes)).c_str(), temporary.c_str(),
             held ? human_bytes(double(held)).c_str() : "-", human_bytes(double(s.common_size)).c_str());
    out << line << simplify_site(s.site) << "\n";
}

void write_table(const char* title, const std::vector<AllocSite>& rows, size_t top, bool with_stacks,
                 CallSites& sites, std::ostream& out) {
    out << "  " << title << "\n";
    out << (g_decided ? "    allocations       bytes temporary        lost usual size  site\n"
                      : "    allocations       bytes temporary      leaked usual size  site\n");
    for (size_t i = 0; i < rows.size() && i < top; ++i) {
        write_row(rows[i], out);
        if (!with_stacks) continue;
        std::vector<std::string> frames = sites.frames(rows[i].stack_id, 0, kCallersShown + 1);
        for (size_t f = 1; f < frames.size(); ++f) out << std::string(62, ' ') << "called from " << simplify_site(frames[f]) << "\n";
        if (rows[i].stacks > 1)
            out << std::string(62, ' ') << "(" << rows[i].stacks << " different stacks; the most frequent shown)\n";
    }
    if (rows.size() > top) out << "  ... " << rows.size() - top << " more sites (use --top)\n";
}

// A window or a snapshot: what holds the heap at its end, by site.
void write_heap_table(const ReportInput& in, std::ostream& out) {
    const std::vector<HeapSite>& rows = in.analysis.heap_sites;
    if (rows.empty()) return;
    out << "  Heap in use by site " << end_words(in.log) << " (held: allocated before the window)\n";
    out << "         blocks       bytes        held  site\n";
    for (size_t i = 0; i < rows.size() && i < in.top; ++i) {
        char line[96];
        snprintf(line, sizeof line, "  %13s %11s %11s  ", with_commas(rows[i].blocks).c_str(),
                 human_bytes(double(rows[i].bytes)).c_str(),
                 rows[i].held_bytes ? human_bytes(double(rows[i].held_bytes)).c_str() : "-");
        out << line << simplify_site(rows[i].site) << "\n";
    }
    if (rows.size() > in.top) out << "  ... " << rows.size() - in.top << " more sites (use --top)\n";
}

}  // namespace

void write_alloc_section(const ReportInput& in, std::ostream& out) {
    const AllocReport& a = in.analysis.allocs;
    if (!a.any()) return;
    out << "\nAllocations (malloc family; temporary = freed by the same thread before its next allocation)\n";
    if (a.sampled())
        out << "  Sampled (" << (a.budget_sampled ? "by the disk budget, SHIM_MAX_LOG_MB, from when the Budget line says"
                                                 : "SHIM_ALLOC_SAMPLE=" + std::to_string(a.sample_bytes))
            << "): allocation counts and bytes are exact; "
            << "peak and still-allocated figures are estimates from about one block per " << human_bytes(double(a.sample_bytes))
            << "; temporary allocations are not known\n";
    write_totals(in.log, a, out);
    g_sampled = a.sampled();
    g_decided = a.reach.decided;
    const std::vector<AllocSite>& by_count = in.analysis.alloc_sites;
    if (by_count.empty()) return;
    write_table("Top sites by allocations", by_count, in.top, true, in.sites, out);
    std::vector<AllocSite> by_bytes = by_count;
    std::stable_sort(by_bytes.begin(), by_bytes.end(),
                     [](const AllocSite& x, const AllocSite& y) { return x.bytes > y.bytes; });
    write_table("Top sites by bytes", by_bytes, in.top, false, in.sites, out);
    write_heap_table(in, out);
}

}  // namespace analyzer
