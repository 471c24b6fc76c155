// Finding "cpu-hotspot": one function holds a large share of all the CPU the
// profile sampled (its flat share, as `go tool pprof -top` ranks). The advice
// depends on what the function is: a syscall wrapper is the cost of the calls
// (fewer, larger ones), the allocator is the allocations, the program's own
// code is the work itself, the lock implementation is threads contending.
#include <algorithm>
#include <cstring>
#include <set>

#include "../analysis/cpu_profile.h"
#include "../model/syscall_names.h"
#include "../text/format.h"
#include "rules.h"

namespace analyzer {
namespace {

enum class HotKind { Syscall, Allocator, Lock, Shim, Program, Library };

// "__libc_read", "__GI___read_nocancel", "read" -> "read".
std::string bare_name(std::string name) {
    size_t paren = name.find('(');
    if (paren != std::string::npos) name.resize(paren);
    for (bool changed = true; changed;) {
        changed = false;
        for (const char* prefix : {"_", "GI_", "libc_"})
            if (name.rfind(prefix, 0) == 0) name.erase(0, strlen(prefix)), changed = true;
    }
    for (const char* suffix : {"_nocancel", "64"})
        if (name.size() > strlen(suffix) && name.compare(name.size() - strlen(suffix), strlen(suffix), suffix) == 0)
            name.resize(name.size() - strlen(suffix));
    return name;
}

// libc, or the shim's interposer standing for it (it makes the syscall itself).
bool in_libc(const CpuFunction& f) {
    return f.module.rfind("libc.so", 0) == 0 || f.module.rfind("libc-", 0) == 0 ||
           (f.module.rfind("libshim", 0) == 0 && !f.shim);
}

bool is_syscall_wrapper(const CpuFunction& f) {
    if (!in_libc(f)) return false;
    static const std::set<std::string> names = [] {
        std::set<std::string> all = {"syscall", "recv", "recvfrom", "recvmsg", "send", "sendto", "sendmsg", "lseek",
                                     "open", "openat", "close", "fsync", "fdatasync", "stat", "fstat", "fstatat"};
#define SHIMLOG_SYSCALL_TEXT(name, id, text, writes) all.insert(text);
        SHIMLOG_SYSCALLS(SHIMLOG_SYSCALL_TEXT)
#undef SHIMLOG_SYSCALL_TEXT
        return all;
    }();
    std::string bare = bare_name(f.name);
    return names.count(bare) > 0 && bare.rfind("f", 0) != 0;  // fread, fwrite...: stdio, not a syscall
}

bool is_allocator(const CpuFunction& f) {
    if (f.name.rfind("operator new", 0) == 0 || f.name.rfind("operator delete", 0) == 0) return true;
    if (!in_libc(f)) return false;
    static const std::set<std::string> names = {"malloc",   "free",           "calloc",     "realloc",
                                                "cfree",    "int_malloc",     "int_free",   "int_realloc",
                                                "memalign", "posix_memalign", "int_free_merge_chunk",
                                                "malloc_consolidate", "unlink_chunk", "tcache_get", "tcache_put",
                                                "sysmalloc", "int_free_create_chunk", "int_free_maybe_consolidate"};
    return names.count(bare_name(f.name)) > 0;
}

// libc's locks: taking, waiting for and waking them ("__GI___lll_lock_wake",
// "futex_wait", "pthread_mutex_trylock@@GLIBC_2.34").
bool is_lock_code(const CpuFunction& f) {
    if (!in_libc(f)) return false;
    std::string bare = bare_name(f.name.substr(0, f.name.find('@')));
    for (const char* prefix : {"lll_", "futex_", "pthread_mutex_", "pthread_rwlock_", "pthread_spin_", "mutex_"})
        if (bare.rfind(prefix, 0) == 0) return true;
    return false;
}

HotKind kind_of(const CpuFunction& f) {
    if (f.shim) return HotKind::Shim;
    if (is_syscall_wrapper(f)) return HotKind::Syscall;
    if (is_allocator(f)) return HotKind::Allocator;
    if (is_lock_code(f)) return HotKind::Lock;
    return f.program ? HotKind::Program : HotKind::Library;
}

std::string concurrency_figures(const Concurrency& c) {
    if (!c.present || !c.resolved()) return "the run's parallelism is not known (too short, or a single thread never sampled)";
    return "the run kept " + fixed(c.average_parallelism(), 2) + " cores busy on average, its serial fraction is " +
           fixed(c.serial_fraction(), 2) + " (at most " + fixed(c.ceiling_speedup(), 1) + "x faster on any number of cores)";
}

Finding make_finding(const RuleInput& in, size_t index) {
    const CpuProfileSummary& p = in.analysis.cpu;
    const CpuFunction& fn = p.functions[index];
    HotKind kind = kind_of(fn);
    Finding f;
    f.kind = "cpu-hotspot";
    f.title = "CPU hot spot: " + percent(double(fn.self_ns), double(p.cpu_ns)) + " of the sampled CPU in " + fn.where();
    f.site = fn.where();
    f.stack.push_back(fn.where());
    bool to_program = kind == HotKind::Syscall || kind == HotKind::Allocator || kind == HotKind::Lock;
    std::vector<std::pair<size_t, uint64_t>> callers = cpu_callers(in.log, p, index, to_program);
    if (callers.empty() && to_program) callers = cpu_callers(in.log, p, index, false);
    std::string called;
    for (size_t i = 0; i < callers.size() && i < 3; ++i) {
        if (i == 0) f.stack.push_back(p.functions[callers[i].first].where());  // a stack: the main caller only
        called += (i ? ", " : "") + p.functions[callers[i].first].where() + " (" +
                  percent(double(callers[i].second), double(fn.self_ns)) + ")";
    }
    f.evidence.push_back(with_commas(fn.self_samples) + " of " + with_commas(p.samples) + " samples (" +
                         human_seconds(double(fn.self_ns) / 1e9) + " of " + human_seconds(double(p.cpu_ns) / 1e9) +
                         " of CPU) were in it; with its callees " +
                         percent(double(fn.cum_ns), double(p.cpu_ns)));
    if (!called.empty())
        f.evidence.push_back(std::string(to_program ? "called from the program at " : "called from ") + called);
    switch (kind) {
        case HotKind::Syscall:
            f.evidence.push_back("the time is the calls into the kernel themselves: each " + bare_name(fn.name) +
                                 "() is a trip into the kernel and back, whatever it moves");
            f.advice = "Make fewer, larger calls: read or write through a buffer (fread/fwrite, std::ifstream, or "
                       "one big read into memory) instead of a call per small piece.";
            break;
        case HotKind::Allocator:
            f.evidence.push_back("this is the allocator (malloc/free/operator new): the cost of the allocations");
            f.advice = "Allocate less often: reuse buffers and objects across iterations, reserve containers, keep "
                       "small temporaries on the stack.";
            break;
        case HotKind::Lock:
            f.evidence.push_back("this is libc's lock code (taking a lock, sleeping on it in the kernel, waking its "
                                 "waiters): the cost of threads contending for a lock, not of the work it guards");
            f.advice = "Contend less: hold the lock for less time, or shard the data or give each thread its own "
                       "state, merged at the end.";
            break;
        case HotKind::Shim:
            f.evidence.push_back("this is the shim's own work (recording stacks and events), not the program's");
            f.advice = "The measurement costs this much here: record allocations in a sample (SHIM_ALLOC_SAMPLE) "
                       "or lower SHIM_CPU_HZ, and read the other shares as of the program's own CPU.";
            break;
        case HotKind::Program:
            f.evidence.push_back(concurrency_figures(in.analysis.concurrency));
            f.advice = "This is the work itself: do less of it (a better algorithm, work skipped or cached, a "
                       "tighter inner loop), or run it on more cores.";
            break;
        case HotKind::Library:
            f.evidence.push_back("in " + (fn.module.empty() ? std::string("a library") : fn.module) +
                                 ", on behalf of its callers above");
            f.advice = "Call it less often or with more work per call, or pick a cheaper option of the library "
                       "(a lower compression level, a faster mode).";
            break;
    }
    // CPU time, on however many cores: the cost is at most the run's wall time.
    uint64_t wall = in.log.duration_ns();
    f.cost_ns = wall > 0 ? std::min(fn.self_ns, wall) : fn.self_ns;
    f.cost_estimated = true;  // sampled, not timed
    f.figures = {{"self_share", p.share_of_cpu(fn.self_ns)},
                 {"cum_share", p.share_of_cpu(fn.cum_ns)},
                 {"self_samples", double(fn.self_samples)},
                 {"samples", double(p.samples)},
                 {"self_cpu_seconds", double(fn.self_ns) / 1e9},
                 {"syscall_wrapper", kind == HotKind::Syscall ? 1.0 : 0.0},
                 {"allocator", kind == HotKind::Allocator ? 1.0 : 0.0},
                 {"lock_code", kind == HotKind::Lock ? 1.0 : 0.0}};
    return f;
}

bool has_kind(const std::vector<Finding>& findings, const std::string& kind) {
    return std::any_of(findings.begin(), findings.end(), [&](const Finding& f) { return f.kind == kind; });
}

}  // namespace

std::vector<Finding> find_cpu_hotspots(const RuleInput& in) {
    const CpuProfileSummary& p = in.analysis.cpu;
    std::vector<Finding> found;
    if (!p.present || p.samples < in.limits.cpu_min_samples) return found;
    for (size_t i = 0; i < p.functions.size(); ++i) {  // the most self CPU first
        if (p.share_of_cpu(p.functions[i].self_ns) < in.limits.cpu_min_share) break;
        if (p.functions[i].name == "[no stack]") continue;
        found.push_back(make_finding(in, i));
    }
    return found;
}

void link_cpu_hotspots(std::vector<Finding>& findings) {
    bool unbuffered = has_kind(findings, "unbuffered-io"), allocations = has_kind(findings, "alloc-hotspot");
    bool contention = has_kind(findings, "lock-contention");
    for (Finding& f : findings) {
        if (f.kind != "cpu-hotspot") continue;
        if (unbuffered && f.figures["syscall_wrapper"] > 0) {
            f.advice += " The unbuffered-I/O finding names the calls to buffer: fixing it removes this cost.";
            f.follows = "unbuffered-io";
        }
        if (allocations && f.figures["allocator"] > 0) {
            f.advice += " The allocation hot-spot finding names the allocations to remove: fixing it removes this cost.";
            f.follows = "alloc-hotspot";
        }
        if (contention && f.figures["lock_code"] > 0) {
            f.advice += " The lock-contention finding names the lock and where it is held: fixing it removes this cost.";
            f.follows = "lock-contention";
        }
    }
}

}  // namespace analyzer
