#include "analysis.h"

#include <utility>

#include "phase_attribution.h"
#include "../symbols/thread_names.h"

namespace analyzer {

Analysis analyze(const Log& log, CallSites& sites, AllocReport allocs, const ConcurrencyOptions& concurrency) {
    Analysis a;
    a.allocs = std::move(allocs);
    a.alloc_sites = alloc_sites(a.allocs, sites);
    if (log.window.present) a.heap_sites = heap_by_site(a.allocs, sites);
    a.concurrency = analyze_concurrency(log, concurrency);
    ThreadCpuTimeline timeline(log);
    if (a.concurrency.present) attribute_phases(timeline, a.concurrency);
    a.phase_times = thread_times_of_phases(timeline, a.concurrency);
    a.wait_utilization = wait_utilization(log, a.concurrency);
    ThreadNamer names(sites);
    a.threads = summarize_threads(log, names);
    a.cpu = summarize_cpu_profile(log, sites, a.threads);
    a.syscalls = totals_by_syscall(log);
    a.stdio_calls = totals_by_stdio_call(log);
    a.files = totals_by_file(log);
    a.unseen = unseen_io(log);
    a.threads_unseen = threads_unseen_io(log);
    a.waits = summarize_waits(log, names);
    return a;
}

}  // namespace analyzer
