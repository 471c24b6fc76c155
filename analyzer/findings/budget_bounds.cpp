#include "budget_bounds.h"

#include <algorithm>
#include <string>

#include "../analysis/budget_words.h"
#include "../text/format.h"

namespace analyzer {
namespace {

// Measured from events (CPU samples, sampler readings): nothing after the stop.
bool from_timed_events(const std::string& kind) {
    static const char* const kinds[] = {"serial-phase", "cpu-contention", "idle-phase", "cpu-hotspot"};
    return std::find(std::begin(kinds), std::end(kinds), kind) != std::end(kinds);
}

// From allocation events: a sample after the switch.
bool from_alloc_events(const std::string& kind) { return kind == "alloc-hotspot" || kind == "leak"; }

}  // namespace

void mark_budget_bounds(std::vector<Finding>& findings, const Log& log) {
    const BudgetInfo& b = log.budget;
    if (!b.sampled() && !b.stopped()) return;
    for (Finding& f : findings) {
        if (b.stopped() && from_timed_events(f.kind)) {
            f.evidence.push_back("the disk budget stopped recording events at " +
                                 human_seconds(budget_seconds(log, b.stopped_ns)) +
                                 ": measured up to then only, a lower bound");
            f.cost_at_least = true;
        } else if (b.sampled() && from_alloc_events(f.kind)) {
            f.evidence.push_back("the disk budget sampled allocations from " +
                                 human_seconds(budget_seconds(log, b.sampling_ns)) +
                                 ": counts are exact, peak and still-allocated figures estimates");
        }
    }
}

}  // namespace analyzer
