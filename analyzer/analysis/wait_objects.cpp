#include "wait_objects.h"

#include <cinttypes>
#include <cstdio>

#include "../symbols/name_simplify.h"

namespace analyzer {
namespace {

std::string basename_of(const std::string& path) {
    size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string join_label(uint32_t tid, ThreadNamer& namer) {
    // The shim keys joins 0 once half its table is used (log_format.h): many threads, not told apart.
    if (tid == 0) return "threads joined once the shim's table was half full (not told apart)";
    const ThreadInfo* thread = namer.thread_of(tid);  // by an index: a run may join 100,000 threads
    std::string name = thread != nullptr ? namer.label(*thread) : std::string();
    if (name.empty()) return "thread " + std::to_string(tid);
    // "main thread", "thread from f() at x.cpp:3" say "thread" already.
    bool says_thread = name.find("thread") != std::string::npos;
    return (says_thread ? name : "thread " + name) + " (tid " + std::to_string(tid) + ")";
}

}  // namespace

const char* wait_kind_name(shimlog::WaitKind kind) {
    switch (kind) {
        case shimlog::WaitKind::Mutex: return "mutex";
        case shimlog::WaitKind::RwRead: return "rwlock (read)";
        case shimlog::WaitKind::RwWrite: return "rwlock (write)";
        case shimlog::WaitKind::Condition: return "condition";
        case shimlog::WaitKind::Semaphore: return "semaphore";
        case shimlog::WaitKind::Barrier: return "barrier";
        case shimlog::WaitKind::Join: return "join";
        case shimlog::WaitKind::Spin: return "spinlock";
        case shimlog::WaitKind::SemaphoreLock: return "semaphore (as a lock)";
    }
    return "unknown";
}

bool is_lock_wait(shimlog::WaitKind kind) {
    return kind == shimlog::WaitKind::Mutex || kind == shimlog::WaitKind::RwRead ||
           kind == shimlog::WaitKind::RwWrite || kind == shimlog::WaitKind::Spin ||
           kind == shimlog::WaitKind::SemaphoreLock;
}

// "rwlock", not "rwlock (read)": the same lock is waited for both ways.
const char* wait_object_noun(shimlog::WaitKind kind) {
    switch (kind) {
        case shimlog::WaitKind::Mutex: return "mutex";
        case shimlog::WaitKind::RwRead:
        case shimlog::WaitKind::RwWrite: return "rwlock";
        case shimlog::WaitKind::Condition: return "condition variable";
        case shimlog::WaitKind::Semaphore: return "semaphore";
        case shimlog::WaitKind::Barrier: return "barrier";
        case shimlog::WaitKind::Join: return "thread";
        case shimlog::WaitKind::Spin: return "spinlock";
        case shimlog::WaitKind::SemaphoreLock: return "semaphore (as a lock)";
    }
    return "object";
}

const char* wait_meaning(shimlog::WaitKind kind) {
    if (kind == shimlog::WaitKind::Spin) return "contention, spinning on a CPU";
    if (is_lock_wait(kind)) return "contention";
    if (kind == shimlog::WaitKind::Join) return "waiting for a thread to end";
    return "waiting for work or an event";
}

const char* wait_class(shimlog::WaitKind kind) {
    if (is_lock_wait(kind)) return "lock";
    return kind == shimlog::WaitKind::Join ? "join" : "event";
}

std::string wait_object_label(uint64_t object, shimlog::WaitKind kind, uint32_t site_stack_id, ThreadNamer& namer) {
    if (kind == shimlog::WaitKind::Join) return join_label(static_cast<uint32_t>(object), namer);
    DataSymbol variable = namer.sites().symbols().data_symbol(object);
    if (!variable.name.empty()) {
        std::string label = variable.name;
        if (variable.offset != 0) {
            char offset[24];
            std::snprintf(offset, sizeof offset, "+0x%" PRIx64, variable.offset);
            label += offset;
        }
        return label + " in " + (variable.file.empty() ? variable.module : basename_of(variable.file));
    }
    std::string noun = wait_object_noun(kind);
    if (site_stack_id == 0) {
        char address[24];
        std::snprintf(address, sizeof address, "0x%" PRIx64, object);
        return noun + " at " + address;
    }
    return noun + " first waited for at " + simplify_site(namer.sites().site_name(site_stack_id, 0));
}

std::string wait_object_phrase(shimlog::WaitKind kind, const std::string& label) {
    std::string noun = wait_object_noun(kind);
    if (label.compare(0, noun.size(), noun) == 0 || label.find("thread") != std::string::npos) return label;
    return noun + " " + label;
}

}  // namespace analyzer
