// Flame graphs: stacks weighted by a count, as folded text ("a;b;c 42" per
// line, outermost frame first: flamegraph.pl, inferno and speedscope read it)
// or as an SVG drawn here, with no external resources.
#pragma once
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "../analysis/alloc_analysis.h"
#include "../model/model.h"
#include "../symbols/symbolize.h"

namespace analyzer {

enum class FlameWeight { Allocations, AllocatedBytes, Reads, CpuSamples, WaitNs };

struct FoldedStack {
    std::vector<std::string> frames;  // function names, outermost first
    uint64_t weight = 0;
};

// The stacks to draw: allocation stacks by count or bytes, the read
// family's call sites by calls, or the CPU profile's stacks by timer
// expiries (each a period of CPU), or the wait sites by the time threads
// blocked there (ns, the exact totals), the object waited on as the innermost
// pseudo-frame ("[mutex 0x601040]"). Equal name sequences merged; sorted by names.
std::vector<FoldedStack> flame_stacks(const Log& log, const AllocReport& allocs, Symbolizer& symbols,
                                      FlameWeight weight);

// A frame name safe inside a folded line: no ';' (the separator), no newline.
std::string folded_frame_name(const std::string& name);

void write_folded(const std::vector<FoldedStack>& stacks, std::ostream& out);
// `unit` names what the weights count ("allocations", "bytes", "calls").
void write_flame_svg(const std::vector<FoldedStack>& stacks, const std::string& title, const std::string& unit,
                     std::ostream& out);
// The same, each frame's amount written by `amount` (wait ns as "57.8 ms").
void write_flame_svg(const std::vector<FoldedStack>& stacks, const std::string& title,
                     const std::function<std::string(uint64_t)>& amount, std::ostream& out);

// The same graph drawn inside an HTML page (the report's CPU view): its
// styles scoped to `id` so they leave the page's other charts alone, no fixed
// size (it scales to the page's width), and each frame's amount in the
// tooltip written by `amount` (the CPU view shows time, not a count).
struct InlineFlameSvg {
    std::string id;
    std::string title;
    std::function<std::string(uint64_t weight)> amount;
};
void write_flame_svg(const std::vector<FoldedStack>& stacks, const InlineFlameSvg& page, std::ostream& out);

}  // namespace analyzer
