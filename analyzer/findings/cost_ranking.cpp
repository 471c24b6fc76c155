// What each finding costs, said in its title, and the cost threshold below
// which a finding raised only because something was counted many times is
// left out of the report (sqlite's 2,003 preads cost 0.2% of its run and
// were finding #1 before).
#include "cost_ranking.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "../model/time_axis.h"
#include "../text/format.h"

namespace analyzer {

bool count_triggered(const std::string& kind) {
    // Serial and idle phases have their own share-of-the-run thresholds,
    // cpu-contention is not the program's, leaks cost memory, not time.
    static const char* const kinds[] = {"unbuffered-io", "alloc-hotspot", "file-reopened", "threads-too-fine",
                                        "re-read"};
    return std::find(std::begin(kinds), std::end(kinds), kind) != std::end(kinds);
}

double min_cost_ns(const Log& log, const Thresholds& limits) {
    return std::max(limits.min_cost_share * run_wall_ns(log), double(limits.min_cost_floor_ns));
}

std::string min_cost_text(const Thresholds& limits) {
    std::string share = fixed(limits.min_cost_share * 100, limits.min_cost_share * 100 < 1 ? 1 : 0) + "% of the run";
    std::string floor = human_seconds(double(limits.min_cost_floor_ns) / 1e9);
    if (limits.min_cost_share > 0 && limits.min_cost_floor_ns > 0) return share + " or " + floor + ", the larger";
    if (limits.min_cost_share > 0) return share;
    return floor;
}

std::string parse_min_cost(const std::string& text, Thresholds& limits) {
    const std::string bad = "--min-cost: '" + text + "' is not a cost (examples: 0, 2%, 5ms, 0.1s, 250us)";
    if (text.empty()) return bad;
    char* end = nullptr;
    double value = std::strtod(text.c_str(), &end);
    std::string unit(end);
    if (end == text.c_str() || !std::isfinite(value) || value < 0) return bad;
    if (unit == "%") {
        if (value > 100) return bad;
        limits.min_cost_share = value / 100, limits.min_cost_floor_ns = 0;
        return "";
    }
    double scale = unit == "s" ? 1e9 : unit == "ms" ? 1e6 : unit == "us" || unit == "µs" ? 1e3 : unit == "ns" ? 1 : -1;
    if (unit.empty() && value == 0) scale = 0;  // a bare 0: every finding
    if (scale < 0 || value * scale > 1e18) return bad;
    limits.min_cost_share = 0, limits.min_cost_floor_ns = uint64_t(value * scale);
    return "";
}

// "; costs ~1.27 s, 91% of the run" (the run's length known), the word
// "estimated" when a model, not a clock, gave the figure.
void state_costs(std::vector<Finding>& findings, const Log& log) {
    double run = run_wall_ns(log);
    for (Finding& f : findings) {
        if (f.cost_bytes > 0 || f.cost_ns == 0) continue;  // memory, or nothing the program can win back
        if (!f.cost_known) continue;
        f.title += std::string(f.cost_at_least ? " — costs at least " : f.cost_up_to ? " — costs up to " : " — costs ~") +
                   human_seconds(double(f.cost_ns) / 1e9) +
                   (f.cost_estimated ? " (estimated)" : "") +
                   (run > 0 ? ", " + percent(double(f.cost_ns), run) + " of the run" : std::string());
        f.figures["cost_share_of_run"] = run > 0 ? double(f.cost_ns) / run : 0;
    }
}

void rank_by_cost(std::vector<Finding>& findings) {
    std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
        bool a_memory = a.cost_bytes > 0, b_memory = b.cost_bytes > 0;
        if (a_memory != b_memory) return b_memory;  // time first
        return a_memory ? a.cost_bytes > b.cost_bytes : a.cost_ns > b.cost_ns;
    });
    // A symptom after its cause, whichever sampled figure came out larger:
    // the unbuffered-I/O finding first, then the CPU its calls took.
    for (size_t i = 0; i < findings.size(); ++i) {
        if (findings[i].follows.empty()) continue;
        auto cause = std::find_if(findings.begin(), findings.end(),
                                  [&](const Finding& f) { return f.kind == findings[i].follows; });
        if (cause == findings.end() || cause - findings.begin() < long(i)) continue;
        Finding moved = std::move(findings[i]);
        findings.erase(findings.begin() + long(i));
        cause = std::find_if(findings.begin(), findings.end(), [&](const Finding& f) { return f.kind == moved.follows; });
        findings.insert(cause + 1, std::move(moved));
        --i;  // the finding now at i has not been looked at
    }
}

size_t mark_below_min_cost(std::vector<Finding>& findings, const Log& log, const Thresholds& limits) {
    double floor = min_cost_ns(log, limits);
    size_t below = 0;
    for (Finding& f : findings) {
        // A cost the log cannot tell is unknown, not small.
        f.below_min_cost = count_triggered(f.kind) && f.cost_known && double(f.cost_ns) < floor;
        below += f.below_min_cost ? 1 : 0;
    }
    return below;
}

std::vector<Finding> costly_findings(const std::vector<Finding>& findings) {
    std::vector<Finding> shown;
    for (const Finding& f : findings)
        if (!f.below_min_cost) shown.push_back(f);
    return shown;
}

}  // namespace analyzer
