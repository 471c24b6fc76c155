#include "pipeline.h"

#include <utility>

#include "findings/cost_ranking.h"
#include "findings/rules.h"

namespace analyzer {

Analysis analyze_with_limits(const Log& log, CallSites& sites, AllocReport allocs, const Thresholds& limits) {
    return analyze(log, sites, std::move(allocs), concurrency_options(limits));
}

std::unique_ptr<RunAnalysis> analyze_log(Log log, const Thresholds& limits, Progress& progress) {
    auto run = std::make_unique<RunAnalysis>();
    const std::string path = log.path;
    run->log = std::move(log);
    run->limits = limits;
    run->symbols = std::make_unique<Symbolizer>(run->log.modules);
    run->sites = std::make_unique<CallSites>(run->log, *run->symbols);
    AllocReport allocs =
        analyze_allocations(run->log, [&](double f) { progress.update("replaying allocations of " + path, f); });
    progress.stage("analysing " + path);
    run->analysis = analyze_with_limits(run->log, *run->sites, std::move(allocs), limits);
    run->all_findings = find_all(RuleInput{run->log, run->analysis, *run->sites, limits});
    // Cheap count-triggered findings are left out of the report, not the gates:
    // --fail-on asks for a kind, and a cheap one is still that regression.
    run->findings_left_out = mark_below_min_cost(run->all_findings, run->log, limits);
    run->findings = costly_findings(run->all_findings);
    return run;
}

}  // namespace analyzer
