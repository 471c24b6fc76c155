#include "pipeline.h"

#include "findings/cost_ranking.h"
#include "findings/rules.h"

namespace analyzer {

std::unique_ptr<RunAnalysis> analyze_log(Log log, const Thresholds& limits, Progress& progress) {
    auto run = std::make_unique<RunAnalysis>();
    const std::string path = log.path;
    run->log = std::move(log);
    run->limits = limits;
    run->symbols = std::make_unique<Symbolizer>(run->log.modules);
    run->sites = std::make_unique<CallSites>(run->log, *run->symbols);
    run->allocs = analyze_allocations(run->log, [&](double f) { progress.update("replaying allocations of " + path, f); });
    progress.stage("running the rules on " + path);
    run->findings = find_all(run->log, run->allocs, *run->sites, limits);
    run->findings_left_out = mark_below_min_cost(run->findings, run->log, limits);
    run->findings = costly_findings(run->findings);
    return run;
}

}  // namespace analyzer
