#include "rules.h"

#include <algorithm>

#include "budget_bounds.h"
#include "cost_ranking.h"

namespace analyzer {

const std::vector<Rule>& rules() {
    static const std::vector<Rule> table = {
        {{"unbuffered-io"}, find_unbuffered_io},
        {{"re-read"}, find_scattered_reads},
        {{"unbuffered-io"}, find_unseen_unbuffered_io},
        {{"file-reopened"}, find_reopened_files},
        {{"alloc-hotspot"}, find_alloc_hotspots},
        {{"leak"}, find_leaks},
        {{"serial-phase", "cpu-contention"}, find_serial_phases},
        {{"threads-too-fine"}, find_threads_too_fine},
        {{"idle-phase"}, find_idle_phases},
        {{"cpu-hotspot"}, find_cpu_hotspots},
        {{"lock-contention"}, find_lock_contention},
    };
    return table;
}

const std::vector<std::string>& finding_kinds() {
    static const std::vector<std::string> kinds = [] {
        std::vector<std::string> all;
        for (const Rule& rule : rules())
            for (const std::string& kind : rule.kinds)
                if (std::find(all.begin(), all.end(), kind) == all.end()) all.push_back(kind);
        return all;
    }();
    return kinds;
}

std::string finding_kinds_list() {
    std::string list;
    for (const std::string& kind : finding_kinds()) list += (list.empty() ? "" : ", ") + kind;
    return list;
}

std::vector<Finding> find_all(const RuleInput& in) {
    std::vector<Finding> all;
    for (const Rule& rule : rules()) {
        std::vector<Finding> found = rule.find(in);
        all.insert(all.end(), found.begin(), found.end());
    }
    link_cpu_hotspots(all);
    mark_budget_bounds(all, in.log);
    state_costs(all, in.log);
    rank_by_cost(all);
    return all;
}

}  // namespace analyzer
