#include "thread_cpu_estimate.h"

#include <cstdint>
#include <map>
#include <utility>

#include "../model/time_axis.h"

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

// For each thread, true when it is a short-lived one past the first
// kShortAlwaysRead to end (Log::threads is in the order they ended).
std::vector<bool> past_always_read(const Log& log) {
    std::vector<bool> past(log.threads.size(), false);
    size_t short_seen = 0;
    for (size_t i = 0; i < log.threads.size(); ++i) {
        if (log.threads[i].cpu_source == shimlog::ThreadCpu::Read) continue;
        past[i] = short_seen++ >= kShortAlwaysRead;
    }
    return past;
}

const Mean* usable(const std::map<Origin, Mean>& means, const Origin& origin) {
    auto found = means.find(origin);
    return found != means.end() && found->second.count > 0 ? &found->second : nullptr;
}

}  // namespace

void estimate_unread_thread_cpu(Log& log) {
    std::map<Origin, Mean> random_by_origin, any_by_origin;
    Mean random_all, any_all;
    bool any_unread = false;
    std::vector<bool> past = past_always_read(log);
    for (size_t i = 0; i < log.threads.size(); ++i) {
        const ThreadInfo& t = log.threads[i];
        any_unread = any_unread || t.cpu_estimated();
        if (t.cpu_source != shimlog::ThreadCpu::ReadSample) continue;
        any_by_origin[origin_of(t)].add(double(t.cpu_ns));
        any_all.add(double(t.cpu_ns));
        if (past[i]) random_by_origin[origin_of(t)].add(double(t.cpu_ns)), random_all.add(double(t.cpu_ns));
    }
    if (!any_unread) return;
    for (ThreadInfo& t : log.threads) {
        if (!t.cpu_estimated()) continue;
        const Mean* mean = usable(random_by_origin, origin_of(t));
        if (mean == nullptr) mean = usable(any_by_origin, origin_of(t));
        if (mean == nullptr && random_all.count > 0) mean = &random_all;
        if (mean == nullptr && any_all.count > 0) mean = &any_all;
        if (mean != nullptr) {
            t.cpu_ns = whole_ns(mean->value());
        } else if (log.ticks_calibrated && t.end_ticks > t.start_ticks) {
            t.cpu_ns = whole_ns(ns_from_tick_span(log, t.end_ticks - t.start_ticks));
        }
    }
}

std::vector<double> thread_cpu_weights(const Log& log) {
    std::vector<bool> past = past_always_read(log);
    uint64_t sampled = 0, unread = 0;
    for (size_t i = 0; i < log.threads.size(); ++i) {
        if (!past[i]) continue;
        sampled += log.threads[i].cpu_source == shimlog::ThreadCpu::ReadSample ? 1 : 0;
        unread += log.threads[i].cpu_estimated() ? 1 : 0;
    }
    double sample_weight = sampled ? double(sampled + unread) / double(sampled) : 1;
    std::vector<double> weights(log.threads.size(), 1.0);
    for (size_t i = 0; i < log.threads.size(); ++i) {
        if (log.threads[i].cpu_estimated()) weights[i] = 0;
        else if (past[i]) weights[i] = sample_weight;
    }
    return weights;
}

}  // namespace analyzer
