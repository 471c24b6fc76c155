#include "cpu_sections.h"

#include <map>

#include "../analysis/cpu_profile.h"
#include "../symbols/site_key.h"

namespace analyzer {

std::string cpu_function_key(const CpuFunction& f) {
    std::string name = bare_function(f.short_name);
    // Unknown code is named "module+0x…" or by address: kept as it is.
    if (name.empty() || name.front() == '[' || name.rfind("0x", 0) == 0 || name.find("+0x") != std::string::npos)
        return name;
    if (name.back() != ')') name += "()";
    std::string key;
    if (!f.shim && f.module.rfind("libshim", 0) == 0)
        key = name + " (the libc call, through the shim's hook)";  // as CpuFunction::where() says it
    else if (!f.file.empty())
        key = name + " in " + f.file.substr(f.file.rfind('/') + 1);
    else if (!f.module.empty())
        key = name + " in " + f.module;
    else
        key = name;
    return f.shim ? key + " [the shim's own]" : key;
}

void add_cpu_sections(const RunAnalysis& run, std::vector<SummarySection>& out) {
    const CpuProfileSummary& cpu = run.analysis.cpu;
    if (!cpu.present) return;
    SummarySection totals{"cpu", "CPU profile", false, {}};
    totals.rows.push_back(SummaryRow{"samples", {Metric{"count", Unit::Count, double(cpu.samples), false}}});
    totals.rows.push_back(
        SummaryRow{"CPU time sampled", {Metric{"seconds", Unit::Seconds, double(cpu.cpu_ns) / 1e9, false}}});
    totals.rows.push_back(SummaryRow{"samples lost", {Metric{"count", Unit::Count, double(cpu.dropped), false}}});
    out.push_back(std::move(totals));

    // Two functions of one key (overloads in one file) are one row.
    SummarySection functions{"cpu_functions", "CPU by function (flat: its own; cum: with what it called)", true, {}};
    functions.by_change = true;
    std::map<std::string, size_t> row_of;
    for (const CpuFunction& f : cpu.functions) {
        std::string key = cpu_function_key(f);
        auto found = row_of.find(key);
        if (found == row_of.end()) {
            found = row_of.emplace(key, functions.rows.size()).first;
            functions.rows.push_back(SummaryRow{key,
                                                {Metric{"flat", Unit::Seconds, 0, false},
                                                 Metric{"share", Unit::Share, 0, false},
                                                 Metric{"cum", Unit::Seconds, 0, false}}});
        }
        std::vector<Metric>& metrics = functions.rows[found->second].metrics;
        metrics[0].value += double(f.self_ns) / 1e9;
        metrics[1].value += cpu.share_of_cpu(f.self_ns);
        metrics[2].value += double(f.cum_ns) / 1e9;
    }
    out.push_back(std::move(functions));
}

}  // namespace analyzer
