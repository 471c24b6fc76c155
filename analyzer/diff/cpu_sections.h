// The CPU profile of a run as diff sections: its totals, and per function its
// own CPU (flat), that CPU's share of the run's, and its cumulative CPU,
// functions keyed as call sites are (site_key.h) so two builds match.
#pragma once
#include <string>
#include <vector>

#include "summary.h"

namespace analyzer {

struct CpuFunction;

// Adds "cpu" and "cpu_functions" when the run has CPU samples; nothing otherwise.
void add_cpu_sections(const RunAnalysis& run, std::vector<SummarySection>& out);

// "pixel() in mandelbrot.cpp", "deflate() in libz.so.1", "[no stack]".
std::string cpu_function_key(const CpuFunction& f);

}  // namespace analyzer
