// Recorded stacks turned into named frames for the flame graph views.
#include <cstdio>
#include <map>

#include "../symbols/name_simplify.h"
#include "flame.h"
#include "wait_names.h"

namespace analyzer {
namespace {

std::string hex(uint64_t value) {
    char buf[32];
    snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(value));
    return buf;
}

// One return address as function names, outermost first: the real function,
// then each function inlined into it down to the innermost.
void append_frames(Symbolizer& symbols, uint64_t address, std::vector<std::string>& out) {
    const SourceLocation& loc = symbols.resolve(address);
    for (auto it = loc.inlined_by.rbegin(); it != loc.inlined_by.rend(); ++it)
        if (!it->function.empty()) out.push_back(folded_frame_name(simplify_function_name(it->function)));
    if (!loc.function.empty())
        out.push_back(folded_frame_name(simplify_function_name(loc.function)));
    else if (!loc.module.empty())
        out.push_back(folded_frame_name(loc.module + "+" + hex(loc.module_offset)));
    else
        out.push_back(hex(address));
}

// Stack ids are deduplicated by address, but two stacks may still share
// names (different lines of one function): merge them by their names.
void add_stack(const Log& log, Symbolizer& symbols, uint32_t stack_id, uint64_t fallback, uint64_t weight,
               std::map<std::vector<std::string>, uint64_t>& merged, const std::string& pseudo_leaf = "") {
    if (weight == 0) return;
    std::vector<std::string> frames;
    const std::vector<uint64_t>* stack = log.stack(stack_id);
    if (stack != nullptr && !stack->empty()) {
        for (auto it = stack->rbegin(); it != stack->rend(); ++it) append_frames(symbols, *it, frames);
    } else if (fallback != 0) {
        append_frames(symbols, fallback, frames);
    } else if (stack_id == 0) {
        frames.push_back("[no stack]");
    } else {
        frames.push_back("[stack " + std::to_string(stack_id) + " not in the log]");
    }
    if (!pseudo_leaf.empty()) frames.push_back(folded_frame_name(pseudo_leaf));
    merged[frames] += weight;
}

}  // namespace

std::string folded_frame_name(const std::string& name) {
    std::string out = name.empty() ? "[unknown]" : name;
    for (char& c : out) {
        if (c == ';') c = ':';
        if (c == '\n' || c == '\r') c = ' ';
    }
    return out;
}

std::vector<FoldedStack> flame_stacks(const Log& log, const AllocReport& allocs, Symbolizer& symbols,
                                      FlameWeight weight) {
    std::map<std::vector<std::string>, uint64_t> merged;
    if (weight == FlameWeight::Reads) {
        for (const IoSite& site : log.io_sites)
            if (!shimlog::is_write(site.syscall)) add_stack(log, symbols, site.stack_id, site.site, site.calls, merged);
    } else if (weight == FlameWeight::CpuSamples) {
        // The innermost frame is the interrupted pc + 1: it symbolizes like a return address.
        for (const CpuSample& s : log.cpu.samples)
            add_stack(log, symbols, s.stack_id, 0, log.cpu.period_ns ? s.weight_ns / log.cpu.period_ns : 1, merged);
    } else if (weight == FlameWeight::WaitNs) {
        CallSites sites(log, symbols);
        WaitNames names(log, sites);
        for (const WaitSite& site : log.waits.sites)
            if (site.wait_ns > 0)
                add_stack(log, symbols, site.stack_id, 0, site.wait_ns, merged, "[" + names.name(site.object, site.kind) + "]");
    } else {
        for (const auto& entry : allocs.stacks) {
            const AllocStackStats& stack = entry.second;
            uint64_t w = weight == FlameWeight::Allocations ? stack.allocations : stack.bytes;
            add_stack(log, symbols, stack.stack_id, 0, w, merged);
        }
    }
    std::vector<FoldedStack> out;
    for (auto& entry : merged) out.push_back({entry.first, entry.second});
    return out;
}

void write_folded(const std::vector<FoldedStack>& stacks, std::ostream& out) {
    for (const FoldedStack& stack : stacks) {
        for (size_t i = 0; i < stack.frames.size(); ++i) out << (i ? ";" : "") << stack.frames[i];
        out << " " << stack.weight << "\n";
    }
}

}  // namespace analyzer
