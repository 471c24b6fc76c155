#include "thread_names.h"

#include <climits>
#include <unistd.h>

#include "name_simplify.h"

namespace analyzer {
namespace {

// Code the programmer did not write: system headers (templates such as
// std::thread's constructor are inlined into the program from there).
bool is_system_source(const std::string& file) { return file.empty() || file.rfind("/usr/", 0) == 0; }

}  // namespace

ThreadNamer::ThreadNamer(CallSites& sites) : sites_(sites) {
    char buf[PATH_MAX];
    if (getcwd(buf, sizeof buf) != nullptr) cwd_ = std::string(buf) + "/";
}

std::string ThreadNamer::routine(uint64_t start_routine) {
    if (start_routine == 0) return "";
    auto found = routines_.find(start_routine);
    if (found != routines_.end()) return found->second;
    const SourceLocation& where = sites_.symbols().resolve(start_routine, false);
    std::string name = where.function.empty() ? where.describe() : where.function;
    if (sites_.in_runtime(start_routine)) name = "runtime trampoline " + name;
    return routines_[start_routine] = name;
}

std::string ThreadNamer::created_at(uint32_t create_stack) {
    if (create_stack == 0) return "";
    auto found = creators_.find(create_stack);
    if (found != creators_.end()) return found->second;
    std::string name;
    const std::vector<uint64_t>* stack = sites_.log().stack(create_stack);
    for (size_t i = 0; stack != nullptr && i < stack->size() && name.empty(); ++i) {
        uint64_t address = (*stack)[i];
        if (sites_.in_runtime(address)) continue;
        const SourceLocation& where = sites_.symbols().resolve(address);
        // The innermost inlined function first, then each function it was inlined into.
        std::vector<const SourceLocation*> chain{&where};
        for (const SourceLocation& outer : where.inlined_by) chain.push_back(&outer);
        for (const SourceLocation* loc : chain) {
            if (is_system_source(loc->file)) continue;
            SourceLocation shown = *loc;
            shown.inlined_by.clear();
            if (!cwd_.empty() && shown.file.rfind(cwd_, 0) == 0) shown.file = shown.file.substr(cwd_.size());
            name = shown.describe();
            break;
        }
    }
    if (name.empty() && stack != nullptr && !stack->empty()) name = sites_.site_name(create_stack, 0);
    return creators_[create_stack] = name;
}

std::string ThreadNamer::label(const ThreadInfo& thread) { return label_with(thread, true); }

std::string ThreadNamer::group_key(const ThreadInfo& thread) { return label_with(thread, false); }

// Labels are read in titles and tables: names simplified (name_simplify.h).
// Threads are grouped by the full name, so worker<int> and worker<long> stay
// two groups even though both read "worker<…>()".
std::string ThreadNamer::label_with(const ThreadInfo& thread, bool simplified) {
    if (thread.is_main) return "main thread";
    std::string run = routine(thread.start_routine);
    if (!run.empty() && !sites_.in_runtime(thread.start_routine))
        return simplified ? simplify_function_name(run) : run;
    std::string site = created_at(thread.create_stack);
    if (simplified) site = simplify_site(site);
    bool std_thread = run.find("execute_native_thread_routine") != std::string::npos;
    if (!site.empty()) return (std_thread ? "std::thread from " : "thread from ") + site;
    if (thread.create_stack == 0 && thread.create_ticks == 0) return "thread not started by pthread_create";
    return run.empty() ? "thread of unknown start routine" : run;
}

const ThreadInfo* ThreadNamer::thread_of(uint32_t tid) {
    const std::vector<ThreadInfo>& threads = sites_.log().threads;
    if (by_tid_.empty())
        for (size_t i = 0; i < threads.size(); ++i) by_tid_[threads[i].tid] = i;
    auto found = by_tid_.find(tid);
    return found == by_tid_.end() ? nullptr : &threads[found->second];
}

}  // namespace analyzer
