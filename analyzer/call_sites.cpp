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

}  // namespace

CallSites::CallSites(const Log& log, Symbolizer& symbols) : log_(log), symbols_(symbols) {
    char buf[PATH_MAX];
    if (getcwd(buf, sizeof buf) != nullptr) cwd_ = std::string(buf) + "/";
}

std::string CallSites::describe(uint64_t address) {
    SourceLocation where = symbols_.resolve(address);
    if (!cwd_.empty() && where.file.rfind(cwd_, 0) == 0) where.file = where.file.substr(cwd_.size());
    return where.describe();
}

bool CallSites::in_runtime(uint64_t address) { return is_runtime_module(symbols_.resolve(address, false).module); }

size_t CallSites::site_index(const std::vector<uint64_t>& stack) {
    for (size_t i = 0; i < stack.size(); ++i)
        if (!is_runtime_module(symbols_.resolve(stack[i]).module)) return i;
    return 0;
}

std::string CallSites::site_name(uint32_t stack_id, uint64_t fallback_address) {
    const std::vector<uint64_t>* stack = log_.stack(stack_id);
    if (stack == nullptr || stack->empty()) return describe(fallback_address);
    return describe((*stack)[site_index(*stack)]);
}

std::vector<std::string> CallSites::frames(uint32_t stack_id, uint64_t fallback_address, size_t max_frames) {
    const std::vector<uint64_t>* stack = log_.stack(stack_id);
    if (stack == nullptr || stack->empty()) return {describe(fallback_address)};
    std::vector<std::string> out;
    for (size_t i = site_index(*stack); i < stack->size() && out.size() < max_frames; ++i)
        out.push_back(describe((*stack)[i]));
    return out;
}

}  // namespace analyzer
