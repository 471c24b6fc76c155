#include "call_sites.h"

#include <climits>
#include <unistd.h>

namespace analyzer {
namespace {

// Libraries whose frames are plumbing, not the place a programmer would fix.
bool is_runtime_module(const std::string& module) {
    static const char* const prefixes[] = {"libc.so", "libc-", "libstdc++", "libshim", "ld-linux",
                                           "libgcc_s", "libpthread", "libm.so"};
    for (const char* prefix : prefixes)
        if (module.rfind(prefix, 0) == 0) return true;
    return false;
}

// Code from the standard library's headers, inlined or instantiated into the
// program: like the runtime, not where the programmer would make the fix.
bool is_system_source(const std::string& file) {
    static const char* const prefixes[] = {"/usr/include/", "/usr/lib/gcc/", "/usr/local/include/"};
    for (const char* prefix : prefixes)
        if (file.rfind(prefix, 0) == 0) return true;
    return false;
}

// The innermost level of an inline chain written in the program's own source,
// or null when every level comes from system headers.
const SourceLocation* program_level(const SourceLocation& where) {
    if (where.file.empty() || !is_system_source(where.file)) return &where;
    for (const SourceLocation& outer : where.inlined_by)
        if (!outer.file.empty() && !is_system_source(outer.file)) return &outer;
    return nullptr;
}

// main, or code inlined into it: the outermost frame worth showing.
bool is_entry_point(const SourceLocation& where) {
    auto is_main = [](const std::string& f) { return f == "main" || f.rfind("main(", 0) == 0; };
    if (is_main(where.function)) return true;
    for (const SourceLocation& outer : where.inlined_by)
        if (is_main(outer.function)) return true;
    return false;
}

}  // namespace

CallSites::CallSites(const Log& log, Symbolizer& symbols) : log_(log), symbols_(symbols) {
    char buf[PATH_MAX];
    if (getcwd(buf, sizeof buf) != nullptr) cwd_ = std::string(buf) + "/";
}

std::string CallSites::describe(uint64_t address) {
    const SourceLocation& resolved = symbols_.resolve(address);
    // Name the program's line that called into inlined standard-library code.
    const SourceLocation* level = program_level(resolved);
    SourceLocation where = level ? *level : resolved;
    where.module = resolved.module;
    where.module_offset = resolved.module_offset;
    if (!cwd_.empty() && where.file.rfind(cwd_, 0) == 0) where.file = where.file.substr(cwd_.size());
    return where.describe();
}

bool CallSites::in_runtime(uint64_t address) { return is_runtime_module(symbols_.module_name(address)); }

bool CallSites::is_plumbing(uint64_t return_address) {
    if (in_runtime(return_address)) return true;  // decided without opening debug info
    return program_level(symbols_.resolve(return_address)) == nullptr;
}

bool CallSites::has_program_frame(uint32_t stack_id) {
    const std::vector<uint64_t>* stack = log_.stack(stack_id);
    if (stack == nullptr) return false;
    for (uint64_t frame : *stack)
        if (!is_plumbing(frame)) return true;
    return false;
}

size_t CallSites::site_index(const std::vector<uint64_t>& stack) {
    for (size_t i = 0; i < stack.size(); ++i)
        if (!is_plumbing(stack[i])) return i;
    return 0;
}

std::string CallSites::site_name(uint32_t stack_id, uint64_t fallback_address) {
    const std::vector<uint64_t>* stack = log_.stack(stack_id);
    if (stack == nullptr || stack->empty()) return describe(fallback_address);
    std::string name = describe((*stack)[site_index(*stack)]);
    // No frame of the program's at all: libstdc++'s start-up pool, the loader's tables.
    if (!has_program_frame(stack_id)) name += " [the runtime's own]";
    return name;
}

std::vector<std::string> CallSites::frames(uint32_t stack_id, uint64_t fallback_address, size_t max_frames) {
    const std::vector<uint64_t>* stack = log_.stack(stack_id);
    if (stack == nullptr || stack->empty()) return {describe(fallback_address)};
    // From the site outwards to main: the shim's own frames (a thread's
    // trampoline) and libc's start-up frames below main say nothing.
    std::vector<std::string> out;
    for (size_t i = site_index(*stack); i < stack->size() && out.size() < max_frames; ++i) {
        const SourceLocation& where = symbols_.resolve((*stack)[i]);
        if (where.module.rfind("libshim", 0) == 0) continue;
        out.push_back(describe((*stack)[i]));
        if (is_entry_point(where)) break;
    }
    return out;
}

}  // namespace analyzer
