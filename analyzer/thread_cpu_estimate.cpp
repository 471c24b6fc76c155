#include "thread_cpu_estimate.h"

#include <cstdint>
#include <map>
#include <utility>

#include "run_clock.h"

namespace analyzer {
namespace {

struct Mean {
    double sum = 0;
    uint64_t count = 0;
    void add(double value) { sum += value, count++; }
    double value() const { return sum / double(count); }
};

using Origin = std::pair<uint64_t, uint32_t>;  // start routine, creation stack

Origin origin_of(const ThreadInfo& t) { return {t.start_routine, t.create_stack}; }

// A log is untrusted: a mean or a span can be past what uint64_t holds.
uint64_t whole_ns(double ns) { return ns >= 1.8e19 ? UINT64_MAX : uint64_t(ns); }

}  // namespace

void estimate_unread_thread_cpu(Log& log) {
    std::map<Origin, Mean> by_origin;
    Mean all;
    bool any_unread = false;
    for (const ThreadInfo& t : log.threads) {
        any_unread = any_unread || t.cpu_estimated();
        if (t.cpu_source != shimlog::ThreadCpu::ReadSample) continue;
        by_origin[origin_of(t)].add(double(t.cpu_ns));
        all.add(double(t.cpu_ns));
    }
    if (!any_unread) return;
    for (ThreadInfo& t : log.threads) {
        if (!t.cpu_estimated()) continue;
        auto same = by_origin.find(origin_of(t));
        if (same != by_origin.end()) {
            t.cpu_ns = whole_ns(same->second.value());
        } else if (all.count > 0) {
            t.cpu_ns = whole_ns(all.value());
        } else if (log.ticks_calibrated && t.end_ticks > t.start_ticks) {
            t.cpu_ns = whole_ns(ns_from_tick_span(log, t.end_ticks - t.start_ticks));
        }
    }
}

}  // namespace analyzer
