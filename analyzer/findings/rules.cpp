#include "rules.h"

#include <algorithm>

#include "cost_ranking.h"

namespace analyzer {

std::vector<Finding> find_all(const Log& log, const AllocReport& allocs, CallSites& sites, const Thresholds& limits) {
    std::vector<Finding> all = find_unbuffered_io(log, sites, limits);
    std::vector<Finding> rereads = find_scattered_reads(log, sites, limits);
    all.insert(all.end(), rereads.begin(), rereads.end());
    std::vector<Finding> unseen = find_unseen_unbuffered_io(log, sites, limits);
    all.insert(all.end(), unseen.begin(), unseen.end());
    std::vector<Finding> reopened = find_reopened_files(log, limits);
    all.insert(all.end(), reopened.begin(), reopened.end());
    std::vector<Finding> hotspots = find_alloc_hotspots(allocs, sites, limits);
    std::vector<Finding> leaks = find_leaks(log, allocs, sites, limits);
    all.insert(all.end(), hotspots.begin(), hotspots.end());
    all.insert(all.end(), leaks.begin(), leaks.end());
    std::vector<Finding> serial = find_serial_phases(log, sites, limits);
    std::vector<Finding> fine = find_threads_too_fine(log, sites, limits);
    std::vector<Finding> idle = find_idle_phases(log, limits);
    all.insert(all.end(), serial.begin(), serial.end());
    all.insert(all.end(), fine.begin(), fine.end());
    all.insert(all.end(), idle.begin(), idle.end());
    state_costs(all, log);
    rank_by_cost(all);
    return all;
}

const std::vector<std::string>& finding_kinds() {
    static const std::vector<std::string> kinds = {"unbuffered-io",    "alloc-hotspot", "leak",          "serial-phase",
                                                   "threads-too-fine", "idle-phase",    "cpu-contention", "file-reopened",
                                                   "re-read"};
    return kinds;
}

std::vector<Finding> find_all(const Log& log, CallSites& sites, const Thresholds& limits) {
    return find_all(log, analyze_allocations(log), sites, limits);
}

}  // namespace analyzer
