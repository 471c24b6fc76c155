#include "rules.h"

#include <algorithm>

namespace analyzer {

std::vector<Finding> find_all(const Log& log, CallSites& sites, const Thresholds& limits) {
    std::vector<Finding> all = find_unbuffered_io(log, sites, limits);
    std::stable_sort(all.begin(), all.end(),
                     [](const Finding& a, const Finding& b) { return a.cost_ns > b.cost_ns; });
    return all;
}

}  // namespace analyzer
