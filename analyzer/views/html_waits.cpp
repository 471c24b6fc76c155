// The HTML report's waits table: the text section's objects (the most wait
// first, --top rows), each with its top wait and holder sites. Without wait
// records, a threaded run's one line: none contended, or not recorded.
#include "../analysis/wait_objects.h"
#include "../analysis/waits.h"
#include "../symbols/name_simplify.h"
#include "../text/format.h"
#include "html_parts.h"

namespace analyzer {
namespace {

constexpr size_t kSitesShown = 3;

std::string secs(uint64_t ns) { return human_seconds(double(ns) / 1e9); }

void write_sites_cell(const WaitsSummary& s, const WaitObject& o, std::ostream& out) {
    out << "<td class=\"site-cell\">";
    for (size_t i = 0; i < o.sites.size() && i < kSitesShown; ++i) {
        const WaitSiteTotals& site = o.sites[i];
        out << "<div>waited at <code>" << html_escape(simplify_site(site.where)) << "</code> "
            << with_commas(site.waits) << " waits" << (s.timed ? ", " + html_escape(secs(site.wait_ns)) : "") << "</div>";
    }
    if (o.sites.size() > kSitesShown) out << "<div>… " << o.sites.size() - kSitesShown << " more wait sites</div>";
    for (size_t i = 0; i < o.holders.size() && i < kSitesShown; ++i) {
        const HolderSiteTotals& h = o.holders[i];
        if (o.is_lock())
            out << "<div>held until <code>" << html_escape(simplify_site(h.where)) << "</code> released "
                << with_commas(h.releases) << " times with waiters";
        else  // a work semaphore's posts: who woke the waiters
            out << "<div>posted at <code>" << html_escape(simplify_site(h.where)) << "</code> "
                << with_commas(h.releases) << " times with waiters";
        if (s.timed && h.timed_holds > 0)
            out << ", holds averaging " << html_escape(secs(h.hold_ns / h.timed_holds)) << " (longest "
                << html_escape(secs(h.max_hold_ns)) << ")";
        out << "</div>";
    }
    out << "</td>";
}

}  // namespace

// A threaded run without wait records still gets the section: its one line
// says whether no thread blocked or waits were not recorded, as the text does.
bool html_has_waits(const ReportInput& in) { return in.analysis.waits.present || !waits_absent_line(in).empty(); }

void write_html_waits(const ReportInput& in, std::ostream& out) {
    const WaitsSummary& s = in.analysis.waits;
    if (!s.present) {
        std::string absent = waits_absent_line(in);
        if (absent.empty()) return;
        out << "<section id=\"waits\"><h2>Waits</h2>\n<p class=\""
            << (s.not_recorded.empty() ? "note" : "warning") << "\">" << html_escape(absent) << "</p>\n";
        if (s.not_recorded.empty()) out << "<p class=\"note\">" << html_escape(kWaitsBlindSpots) << ".</p>\n";
        out << "</section>\n";
        return;
    }
    out << "<section id=\"waits\"><h2>Waits</h2>\n";
    if (s.timed)
        out << "<div class=\"stats\"><div><b>" << html_escape(secs(s.lock_wait_ns))
            << "</b><span>in lock contention</span></div><div><b>" << html_escape(secs(s.event_wait_ns))
            << "</b><span>waiting for work or an event</span></div><div><b>" << html_escape(secs(s.join_wait_ns))
            << "</b><span>waiting for threads to end</span></div></div>\n";
    else
        out << "<p class=\"warning\">Times unknown: the log has no end record to calibrate the clock.</p>\n";
    out << "<table class=\"data sites\"><caption>Objects threads blocked on (contended waits only), the most wait "
           "first; shares are of the threads' summed lifetimes</caption><tr><th>object</th><th>meaning</th>"
           "<th>waits</th><th>wait</th><th>share</th><th>threads</th><th>longest</th><th>where</th></tr>\n";
    size_t shown = 0;
    for (const WaitObject& o : s.objects) {
        if (shown++ == in.top) break;
        out << "<tr><td><code>" << html_escape(o.label) << "</code> <span class=\"kind\">" << html_escape(o.noun)
            << "</span></td><td>" << wait_meaning(o.kind) << "</td><td class=\"num\">" << with_commas(o.waits)
            << "</td><td class=\"num\">" << (s.timed ? html_escape(secs(o.wait_ns)) : "?") << "</td><td class=\"num\">"
            << (s.timed && s.threads_lifetime_ns > 0 ? html_escape(percent(double(o.wait_ns), s.threads_lifetime_ns)) : "?")
            << "</td><td class=\"num\">" << (o.threads_at_least ? "≥ " : "") << o.threads << "</td><td class=\"num\">"
            << (s.timed ? html_escape(secs(o.max_ns)) : "?") << "</td>";
        write_sites_cell(s, o, out);
        out << "</tr>\n";
    }
    out << "</table>\n";
    if (s.objects.size() > in.top)
        out << "<p class=\"note\">" << s.objects.size() - in.top << " more objects (use --top).</p>\n";
    if (s.dropped_events > 0)
        out << "<p class=\"note\">" << with_commas(s.dropped_events)
            << " individual waits were lost to full buffers: totals are exact, thread counts may be lower bounds.</p>\n";
    out << "<p class=\"note\">A wait overlaps other threads' work: it is not time the run would save. "
        << html_escape(kWaitsBlindSpots) << ".</p>\n</section>\n";
}

}  // namespace analyzer
