#include "cpu_profile.h"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <set>
#include <unistd.h>

#include "../model/time_axis.h"
#include "../symbols/name_simplify.h"

namespace analyzer {

std::string CpuFunction::where() const {
    std::string out = short_name;
    if (!shim && module.rfind("libshim", 0) == 0) {
        out += " (the libc call, through the shim's hook)";  // an interposer: its file is the shim's
    } else if (!file.empty()) {
        out += " at " + file;
        if (line > 0) out += ":" + std::to_string(line);
    } else if (!module.empty() && name.find(module) == std::string::npos) {
        out += " (" + module + ")";
    }
    if (shim) out += " [the shim's own]";
    return out;
}

namespace {

// Code from the standard library's headers (call_sites.cpp has the same list).
bool is_system_source(const std::string& file) {
    static const char* const prefixes[] = {"/usr/include/", "/usr/lib/gcc/", "/usr/local/include/"};
    for (const char* prefix : prefixes)
        if (file.rfind(prefix, 0) == 0) return true;
    return false;
}

// A function the shim interposes (read, malloc, pthread_create): it stands
// for the libc function the program called, so its time is the program's,
// not the shim's own.
bool is_interposer(const SourceLocation& where) {
    return where.file.find("hooks/hooks_") != std::string::npos && where.function.find("::") == std::string::npos;
}

// The syscall the shim makes for an interposed call: the call's own cost.
bool is_shim_syscall(const CpuFunction& f) { return f.shim && f.name.rfind("shim::DirectSyscall::", 0) == 0; }

std::string hex(uint64_t value) {
    char buf[32];
    snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(value));
    return buf;
}

// Functions keyed by (name, file), each made once, with the CPU per line.
class FunctionTable {
public:
    FunctionTable(Symbolizer& symbols, std::vector<CpuFunction>& functions, std::string exe)
        : symbols_(symbols), functions_(functions), exe_(std::move(exe)) {
        char buf[PATH_MAX];
        if (getcwd(buf, sizeof buf) != nullptr) cwd_ = std::string(buf) + "/";
    }

    // One frame as functions, innermost first: the function the code is in,
    // then each function it was inlined into.
    // `in_shim`: the sample landed in the shim's own unwinder (its depth
    // says so), whatever library that code is in (libunwind).
    void frame(uint64_t address, std::vector<size_t>& out, bool in_shim = false) {
        const SourceLocation& where = symbols_.resolve(address);
        bool in_shim_module = where.module.rfind("libshim", 0) == 0;
        bool shim = in_shim || in_shim_module;
        if (where.function.empty()) {
            std::string name = where.module.empty() ? hex(address) : where.module + "+" + hex(where.module_offset);
            out.push_back(function(name, "", 0, where.module, shim));
            return;
        }
        // Each level's line is in the function of that level; the call
        // site of level i (inlined_by[i]) is a line of the next one out.
        // Each level's file is in its own function: an interposer is told by it.
        out.push_back(function(where.function, where.file, where.line, where.module, shim && !is_interposer(where)));
        for (const SourceLocation& outer : where.inlined_by)
            if (!outer.function.empty())
                out.push_back(function(outer.function, outer.file, outer.line, where.module,
                                       in_shim || (in_shim_module && !is_interposer(outer))));
    }

    size_t no_stack() { return function("[no stack]", "", 0, "", false); }

    // The line of each function that held the most CPU, once every sample is in.
    void add_line_weight(size_t index, uint64_t ns) { line_ns_[index][lines_[index]] += ns; }
    void set_lines() {
        for (auto& [index, lines] : line_ns_) {
            auto best = std::max_element(lines.begin(), lines.end(),
                                         [](const auto& a, const auto& b) { return a.second < b.second; });
            functions_[index].line = best->first;
        }
    }
    // The line last seen for a function (the frame just read).
    std::map<size_t, int> lines_;

private:
    size_t function(const std::string& name, std::string file, int line, const std::string& module, bool shim) {
        if (!cwd_.empty() && file.rfind(cwd_, 0) == 0) file = file.substr(cwd_.size());
        auto key = std::make_pair(name, file);
        auto found = index_.find(key);
        size_t i;
        if (found != index_.end()) {
            i = found->second;
        } else {
            i = functions_.size();
            CpuFunction f;
            f.name = name;
            f.short_name = simplify_function_name(name);
            f.file = file;
            f.module = module;
            f.shim = shim;
            // The executable's own source: not a library, not a system header
            // instantiated into it (std::function's plumbing).
            f.program = !shim && module == exe_ && !is_system_source(file);
            functions_.push_back(f);
            index_.emplace(key, i);
        }
        lines_[i] = line;
        return i;
    }
    Symbolizer& symbols_;
    std::vector<CpuFunction>& functions_;
    std::string exe_;  // the executable's basename, as modules are named
    std::string cwd_;
    std::map<std::pair<std::string, std::string>, size_t> index_;
    std::map<size_t, std::map<int, uint64_t>> line_ns_;
};

// A function's line, per sample, is the line of its first (innermost)
// appearance on the stack: where it was, or the call it was in.
struct StackLines {
    std::vector<size_t> functions;     // innermost first
    std::vector<int> lines;            // beside them
};

std::map<uint32_t, std::string> thread_kinds_by_tid(const Log& log, const ThreadsSummary& threads) {
    std::map<uint32_t, std::string> kinds;
    for (const ThreadGroupStats& group : threads.groups)
        for (size_t member : group.members)
            if (member < log.threads.size()) kinds[log.threads[member].tid] = group.label;
    return kinds;
}

}  // namespace

CpuProfileSummary summarize_cpu_profile(const Log& log, CallSites& sites, const ThreadsSummary& threads) {
    CpuProfileSummary s;
    const CpuProfile& profile = log.cpu;
    if (!profile.present()) return s;
    s.present = true;
    s.period_ns = profile.period_ns;
    s.dropped = profile.dropped;
    std::string exe = log.process.exe.substr(log.process.exe.rfind('/') + 1);
    FunctionTable table(sites.symbols(), s.functions, exe);
    std::map<uint32_t, StackLines> stacks;
    std::map<uint32_t, std::string> kind_of = thread_kinds_by_tid(log, threads);
    std::map<std::string, CpuThreadKind> kinds;
    std::map<std::string, std::map<size_t, uint64_t>> kind_self;
    for (const CpuSample& sample : profile.samples) {
        auto found = stacks.find(sample.stack_id);
        if (found == stacks.end()) {
            StackLines lines;
            const std::vector<uint64_t>* stack = log.stack(sample.stack_id);
            if (stack == nullptr || stack->empty()) {
                lines.functions.push_back(table.no_stack());
                lines.lines.push_back(0);
            } else {
                bool in_shim = sample.depth == shimlog::CpuSampleDepth::InUnwinder;
                for (uint64_t address : *stack) {
                    size_t before = lines.functions.size();
                    table.frame(address, lines.functions, in_shim);
                    for (size_t i = before; i < lines.functions.size(); ++i)
                        lines.lines.push_back(table.lines_[lines.functions[i]]);
                }
            }
            // In a syscall the shim made for an interposed read or write: the
            // sample is that call's, so the interposer is innermost (as the
            // libc wrapper is without the shim), not the shim's frames inside it.
            if (is_shim_syscall(s.functions[lines.functions.front()])) {
                size_t hook = 0;
                while (hook < lines.functions.size() && s.functions[lines.functions[hook]].shim) ++hook;
                if (hook < lines.functions.size() && s.functions[lines.functions[hook]].module.rfind("libshim", 0) == 0) {
                    lines.functions.erase(lines.functions.begin(), lines.functions.begin() + long(hook));
                    lines.lines.erase(lines.lines.begin(), lines.lines.begin() + long(hook));
                }
            }
            found = stacks.emplace(sample.stack_id, std::move(lines)).first;
            s.stack_functions[sample.stack_id] = found->second.functions;
        }
        const StackLines& lines = found->second;
        s.samples++;
        s.cpu_ns += sample.weight_ns;
        if (sample.depth == shimlog::CpuSampleDepth::AtThreadEnd) {
            s.at_thread_end_samples++;
            s.at_thread_end_ns += sample.weight_ns;
        } else if (sample.depth != shimlog::CpuSampleDepth::Full) {
            s.pc_only[static_cast<uint8_t>(sample.depth)]++;
        }
        size_t leaf = lines.functions.front();
        s.functions[leaf].self_samples++;
        s.functions[leaf].self_ns += sample.weight_ns;
        std::set<size_t> seen;  // recursion counts once, as in pprof's cum
        for (size_t i = 0; i < lines.functions.size(); ++i) {
            size_t f = lines.functions[i];
            if (!seen.insert(f).second) continue;
            s.functions[f].cum_samples++;
            s.functions[f].cum_ns += sample.weight_ns;
            table.lines_[f] = lines.lines[i];
            table.add_line_weight(f, sample.weight_ns);
        }
        auto kind_name = kind_of.find(sample.tid);
        std::string kind = kind_name != kind_of.end() ? kind_name->second : "thread " + std::to_string(sample.tid);
        CpuThreadKind& k = kinds[kind];
        k.label = kind;
        k.samples++;
        k.cpu_ns += sample.weight_ns;
        kind_self[kind][leaf] += sample.weight_ns;
    }
    table.set_lines();

    // Most self CPU first, then most cumulative, then by name: a stable order.
    std::vector<size_t> order(s.functions.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    auto by_self = [&](size_t a, size_t b) {
        const CpuFunction &x = s.functions[a], &y = s.functions[b];
        if (x.self_ns != y.self_ns) return x.self_ns > y.self_ns;
        if (x.cum_ns != y.cum_ns) return x.cum_ns > y.cum_ns;
        return x.name < y.name;
    };
    std::sort(order.begin(), order.end(), by_self);
    std::vector<size_t> new_index(order.size());
    std::vector<CpuFunction> sorted;
    for (size_t i = 0; i < order.size(); ++i) {
        new_index[order[i]] = i;
        sorted.push_back(std::move(s.functions[order[i]]));
    }
    s.functions = std::move(sorted);
    for (auto& [id, functions] : s.stack_functions)
        for (size_t& f : functions) f = new_index[f];
    s.by_cum.resize(s.functions.size());
    for (size_t i = 0; i < s.by_cum.size(); ++i) s.by_cum[i] = i;
    std::stable_sort(s.by_cum.begin(), s.by_cum.end(),
                     [&](size_t a, size_t b) { return s.functions[a].cum_ns > s.functions[b].cum_ns; });

    for (auto& [label, kind] : kinds) {
        std::vector<std::pair<size_t, uint64_t>> top;
        for (auto [f, ns] : kind_self[label]) top.emplace_back(new_index[f], ns);
        std::sort(top.begin(), top.end(), [](const auto& a, const auto& b) {
            return a.second != b.second ? a.second > b.second : a.first < b.first;
        });
        if (top.size() > 5) top.resize(5);
        kind.top_self = std::move(top);
        s.kinds.push_back(std::move(kind));
    }
    std::stable_sort(s.kinds.begin(), s.kinds.end(),
                     [](const CpuThreadKind& a, const CpuThreadKind& b) { return a.cpu_ns > b.cpu_ns; });
    return s;
}

std::vector<std::pair<size_t, uint64_t>> cpu_callers(const Log& log, const CpuProfileSummary& profile, size_t index,
                                                     bool program_only) {
    std::map<size_t, uint64_t> by_caller;
    for (const CpuSample& sample : log.cpu.samples) {
        auto stack = profile.stack_functions.find(sample.stack_id);
        if (stack == profile.stack_functions.end() || stack->second.empty() || stack->second.front() != index) continue;
        for (size_t i = 1; i < stack->second.size(); ++i) {
            size_t f = stack->second[i];
            if (f == index || (program_only && !profile.functions[f].program)) continue;
            by_caller[f] += sample.weight_ns;
            break;
        }
    }
    std::vector<std::pair<size_t, uint64_t>> out(by_caller.begin(), by_caller.end());
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
    return out;
}

CpuPath cpu_path_in_ranges(const Log& log, const CpuProfileSummary& profile, uint32_t tid,
                           const std::vector<TimeRange>& ranges) {
    CpuPath path;
    if (!log.ticks_calibrated) return path;
    // The samples' stacks, outermost first, and the CPU of each.
    std::vector<std::pair<const std::vector<size_t>*, uint64_t>> stacks;
    for (const CpuSample& sample : log.cpu.samples) {
        if (tid != 0 && sample.tid != tid) continue;
        double at = run_ns_from_ticks(log, sample.ticks);
        if (std::none_of(ranges.begin(), ranges.end(),
                         [at](const TimeRange& r) { return at >= r.start_ns && at < r.end_ns; }))
            continue;
        auto stack = profile.stack_functions.find(sample.stack_id);
        if (stack == profile.stack_functions.end()) continue;
        path.samples++;
        stacks.emplace_back(&stack->second, sample.weight_ns);
    }
    // From the outermost frame in: at each depth the heaviest function among
    // the samples still on the path, until the path has one innermost.
    std::vector<size_t> on(stacks.size());
    for (size_t i = 0; i < on.size(); ++i) on[i] = i;
    uint64_t current = 0;
    for (const auto& st : stacks) current += st.second;
    for (size_t depth = 0; !on.empty(); ++depth) {
        std::map<size_t, uint64_t> weight;
        for (size_t i : on) {
            const std::vector<size_t>& st = *stacks[i].first;
            if (depth < st.size()) weight[st[st.size() - 1 - depth]] += stacks[i].second;
        }
        if (weight.empty()) break;
        auto heaviest = std::max_element(weight.begin(), weight.end(), [](const auto& a, const auto& b) {
            return a.second != b.second ? a.second < b.second : a.first > b.first;
        });
        // Stop where most of the path's CPU was the function itself, not a callee.
        if (depth > 0 && heaviest->second * 2 < current) break;
        current = heaviest->second;
        size_t best = heaviest->first;
        std::vector<size_t> next;
        for (size_t i : on) {
            const std::vector<size_t>& st = *stacks[i].first;
            if (depth < st.size() && st[st.size() - 1 - depth] == best) next.push_back(i);
        }
        path.frames.push_back(best);
        on = std::move(next);
        path.path_samples = on.size();
    }
    return path;
}

}  // namespace analyzer
