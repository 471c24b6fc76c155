// Names for threads a programmer recognises: the start routine when it is the
// program's own function, else (std::thread, whose start routine is the C++
// runtime's trampoline) the program's code that created the thread.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>

#include "call_sites.h"
#include "../model/model.h"

namespace analyzer {

class ThreadNamer {
public:
    explicit ThreadNamer(CallSites& sites);
    // "worker(void*)", "std::thread (execute_native_thread_routine)", or "" when unknown.
    std::string routine(uint64_t start_routine);
    // "thread_per_task<...>(...) at mandelbrot.cpp:88": the first frame of the
    // creation stack in the program's own source (system headers skipped); "" when unknown.
    std::string created_at(uint32_t create_stack);
    // One short label, for one thread or many: "main thread", the routine, or
    // "std::thread from <site>".
    std::string label(const ThreadInfo& thread);
    // The label with full function names: what threads are grouped by.
    std::string group_key(const ThreadInfo& thread);
    CallSites& sites() { return sites_; }
    // The log's thread of this tid (the last, if the kernel reused it), or nullptr.
    const ThreadInfo* thread_of(uint32_t tid);

private:
    std::string label_with(const ThreadInfo& thread, bool simplified);
    CallSites& sites_;
    std::string cwd_;
    std::map<uint64_t, std::string> routines_;
    std::map<uint32_t, std::string> creators_;
    std::unordered_map<uint32_t, size_t> by_tid_;  // built at the first thread_of
};

}  // namespace analyzer
