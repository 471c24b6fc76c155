// Two runs' summaries side by side: for every row either run has, each
// metric before and after. A row only one run has counts as zero in the
// other ("allocations at readbyte() 1,270,330 -> 0"), except metrics that
// mean nothing without data (the serial fraction without samples).
#pragma once
#include <string>
#include <vector>

#include "summary.h"

namespace analyzer {

struct MetricChange {
    std::string name;
    Unit unit = Unit::Count;
    double before = 0, after = 0;
    // (after - before) / before; false when before is 0 (nothing to scale by).
    bool relative_change(double& change) const;
};

struct RowChange {
    std::string key;
    bool in_before = false, in_after = false;
    std::vector<MetricChange> metrics;
};

struct SectionChange {
    std::string name, title;
    std::vector<RowChange> rows;  // ranked sections: the biggest first
};

struct RunDiff {
    RunSummary before_run, after_run;  // their sections are not used by the views
    std::vector<SectionChange> sections;
};

RunDiff diff_runs(const RunSummary& before, const RunSummary& after);

}  // namespace analyzer
