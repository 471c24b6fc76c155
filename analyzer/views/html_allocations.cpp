// The HTML report's allocation section: totals, the top sites, and the data
// of the interactive flame graph (drawn by the page's script): one tree of
// the folded allocation stacks (flame.h) carrying both counts and bytes.
#include <map>

#include "../analysis/alloc_sites.h"
#include "../symbols/name_simplify.h"
#include "flame.h"
#include "../text/format.h"
#include "html_parts.h"

namespace analyzer {
namespace {

// Frames this small a share of both totals are left out of the page: under
// a pixel even at full width, and a deep program has very many of them.
constexpr double kMinShare = 1e-4;

struct FlameNode {
    uint64_t count = 0, bytes = 0;
    std::map<std::string, FlameNode> children;  // by name: the order flamegraph.pl draws
};

void add_stacks(const std::vector<FoldedStack>& stacks, bool bytes, FlameNode& root) {
    for (const FoldedStack& stack : stacks) {
        FlameNode* node = &root;
        (bytes ? node->bytes : node->count) += stack.weight;
        for (const std::string& frame : stack.frames) {
            node = &node->children[frame];
            (bytes ? node->bytes : node->count) += stack.weight;
        }
    }
}

// {"n": name, "v": allocations, "b": bytes, "c": [children]}
void write_node(const std::string& name, const FlameNode& node, const FlameNode& root, std::ostream& out,
                uint64_t& omitted) {
    out << "{\"n\":" << script_json_string(name) << ",\"v\":" << node.count << ",\"b\":" << node.bytes;
    bool first = true;
    for (const auto& child : node.children) {
        const FlameNode& c = child.second;
        if (double(c.count) < kMinShare * double(root.count) && double(c.bytes) < kMinShare * double(root.bytes)) {
            ++omitted;
            continue;
        }
        out << (first ? ",\"c\":[" : ",");
        first = false;
        write_node(child.first, c, root, out, omitted);
    }
    out << (first ? "}" : "]}");
}

void write_summary(const AllocReport& a, std::ostream& out) {
    out << "<div class=\"stats\">";
    out << "<div><b>" << with_commas(a.allocations) << "</b><span>allocations, "
        << html_escape(human_bytes(double(a.bytes))) << "</span></div>";
    out << "<div><b>" << html_escape(percent(double(a.temporary), double(a.allocations)))
        << "</b><span>temporary (freed before the thread's next allocation)</span></div>";
    out << "<div><b>" << html_escape(human_bytes(double(a.peak_bytes))) << "</b><span>peak heap</span></div>";
    out << "<div><b>" << html_escape(human_bytes(double(a.live_bytes))) << "</b><span>still allocated at the end ("
        << with_commas(a.live_allocations) << ")</span></div>";
    if (a.start_known) {
        out << "<div><b>" << html_escape(human_bytes(double(a.start_bytes))) << "</b><span>live when the window opened ("
            << with_commas(a.start_blocks) << " blocks allocated before it; " << with_commas(a.start_freed)
            << " freed in it)</span></div>";
        out << "<div><b>" << html_escape(human_bytes(double(a.held_across_bytes))) << "</b><span>held across the window ("
            << with_commas(a.held_across) << " of those, still live at its end)</span></div>";
    }
    if (a.reach.decided) {
        out << "<div><b>" << html_escape(human_bytes(double(a.reach.reachable_bytes)))
            << "</b><span>of it still reachable at exit (kept until exit on purpose, the OS frees it)</span></div>";
        if (a.reach.possibly_lost > 0)
            out << "<div><b>" << html_escape(human_bytes(double(a.reach.possibly_lost_bytes)))
                << "</b><span>possibly lost (only pointers into their middle)</span></div>";
        out << "<div><b>" << html_escape(human_bytes(double(a.reach.lost_bytes))) << "</b><span>lost ("
            << with_commas(a.reach.lost) << ", no pointer to them left)</span></div>";
    }
    out << "</div>\n";
}

void write_sites(const ReportInput& in, std::ostream& out) {
    const std::vector<AllocSite>& rows = in.analysis.alloc_sites;
    out << "<table class=\"data sites\"><caption>Top sites by allocations (a site is the first frame outside the "
           "allocator and the runtime libraries)</caption><tr><th>allocations</th><th>bytes</th><th>temporary</th>"
           "<th>still allocated</th><th>usual size</th><th>site</th></tr>\n";
    for (size_t i = 0; i < rows.size() && i < in.top; ++i) {
        const AllocSite& s = rows[i];
        out << "<tr><td class=\"num\">" << with_commas(s.allocations) << "</td><td class=\"num\">"
            << html_escape(human_bytes(double(s.bytes))) << "</td><td class=\"num\">"
            << html_escape(percent(double(s.temporary), double(s.allocations))) << "</td><td class=\"num\">"
            << (s.leaked ? html_escape(human_bytes(double(s.leaked_bytes))) : "-") << "</td><td class=\"num\">"
            << html_escape(describe_sizes(s)) << "</td><td class=\"site-cell\"><code>" << html_escape(simplify_site(s.site))
            << "</code></td></tr>\n";
    }
    out << "</table>\n";
    if (rows.size() > in.top) out << "<p class=\"note\">" << rows.size() - in.top << " more sites (use --top).</p>\n";
}

// A window or a snapshot: what holds the heap at its end, by site, and what
// the shim could not see before the window.
void write_heap_sites(const ReportInput& in, std::ostream& out) {
    const std::vector<HeapSite>& rows = in.analysis.heap_sites;
    if (in.log.live_at_start.after_pause())
        out << "<p class=\"note\">Not seen: blocks allocated while no window was open (this window opened after a "
               "pause), and frees then.</p>\n";
    if (rows.empty()) return;
    out << "<table class=\"data sites\"><caption>Heap in use by site at the window's end (held: allocated before the "
           "window)</caption><tr><th>blocks</th><th>bytes</th><th>held</th><th>site</th></tr>\n";
    for (size_t i = 0; i < rows.size() && i < in.top; ++i) {
        const HeapSite& s = rows[i];
        out << "<tr><td class=\"num\">" << with_commas(s.blocks) << "</td><td class=\"num\">"
            << html_escape(human_bytes(double(s.bytes))) << "</td><td class=\"num\">"
            << (s.held_bytes ? html_escape(human_bytes(double(s.held_bytes))) : "-")
            << "</td><td class=\"site-cell\"><code>" << html_escape(simplify_site(s.site)) << "</code></td></tr>\n";
    }
    out << "</table>\n";
}

void write_flame(const ReportInput& in, std::ostream& out) {
    FlameNode root;
    Symbolizer& symbols = in.sites.symbols();
    add_stacks(flame_stacks(in.log, in.analysis.allocs, symbols, FlameWeight::Allocations), false, root);
    add_stacks(flame_stacks(in.log, in.analysis.allocs, symbols, FlameWeight::AllocatedBytes), true, root);
    out << "<h3>Allocation flame graph</h3>\n<div class=\"flame-controls\">"
           "<label>width: <select id=\"flame-weight\"><option value=\"v\">allocations</option>"
           "<option value=\"b\">bytes</option></select></label>"
           "<button type=\"button\" id=\"flame-reset\">Reset zoom</button>"
           "<span class=\"hint\">Click a frame to zoom in, a frame below it to zoom out; hover for counts. "
           "Callers below, callees above.</span></div>\n";
    out << "<div id=\"flame\" class=\"flame\"></div>\n<script type=\"application/json\" id=\"flame-data\">";
    uint64_t omitted = 0;
    write_node("all", root, root, out, omitted);
    out << "</script>\n";
    if (omitted > 0)
        out << "<p class=\"note\">" << with_commas(omitted) << (omitted == 1 ? " frame" : " frames") << " with under " << fixed(kMinShare * 100, 2)
            << "% of the allocations and of the bytes are left out.</p>\n";
}

}  // namespace

void write_html_allocations(const ReportInput& in, std::ostream& out) {
    out << "<section id=\"allocations\"><h2>Allocations</h2>\n";
    if (!in.analysis.allocs.any()) {
        out << "<p class=\"empty\">No allocation events in this log.</p></section>\n";
        return;
    }
    write_summary(in.analysis.allocs, out);
    write_sites(in, out);
    write_heap_sites(in, out);
    write_flame(in, out);
    out << "</section>\n";
}

}  // namespace analyzer
