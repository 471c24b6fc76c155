#include "threads_summary.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "../model/time_axis.h"
#include "../decode/thread_cpu_estimate.h"

namespace analyzer {
namespace {

double median(std::vector<double>& values) {
    if (values.empty()) return 0;
    size_t mid = values.size() / 2;
    std::nth_element(values.begin(), values.begin() + long(mid), values.end());
    return values[mid];
}

// The median of values with weights: the value below which half the weight lies.
double weighted_median(std::vector<std::pair<double, double>>& values) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    double total = 0, below = 0;
    for (const auto& v : values) total += v.second;
    for (const auto& v : values)
        if ((below += v.second) >= total / 2) return v.first;
    return values.back().first;
}

// Most threads alive at once: a sweep over starts and ends; a thread ending
// at the instant another starts was not alive with it.
void find_peak(const Log& log, ThreadsSummary& s) {
    std::vector<std::pair<double, int>> steps;
    steps.reserve(log.threads.size() * 2);
    for (const ThreadInfo& t : log.threads) {
        steps.push_back({thread_start_ns(log, t), +1});
        steps.push_back({thread_end_ns(log, t), -1});
    }
    std::sort(steps.begin(), steps.end());
    int64_t alive = 0;
    for (const auto& step : steps) {
        alive += step.second;
        if (alive > int64_t(s.peak_alive)) s.peak_alive = uint64_t(alive), s.peak_at_ns = step.first;
    }
}

void add(IoDirection& to, const IoDirection& from) {
    to.kernel_calls += from.kernel_calls, to.kernel_bytes += from.kernel_bytes;
    to.hooked_calls += from.hooked_calls, to.hooked_bytes += from.hooked_bytes;
    to.own_calls += from.own_calls, to.own_bytes += from.own_bytes;
    to.unseen_calls += from.unseen_calls, to.unseen_bytes += from.unseen_bytes;
}

void fill_group_io(const ThreadsUnseenIo& io, const std::vector<long>& reading_of, ThreadGroupStats& g) {
    for (size_t index : g.members) {
        if (reading_of[index] < 0) continue;
        const ThreadUnseenIo& t = io.threads[size_t(reading_of[index])];
        g.io_read++;
        add(g.io_reads, t.reads);
        add(g.io_writes, t.writes);
    }
}

void fill_group(const Log& log, const std::vector<double>& weights, ThreadGroupStats& g) {
    std::sort(g.members.begin(), g.members.end(), [&log](size_t a, size_t b) {
        return log.threads[a].start_ticks < log.threads[b].start_ticks;
    });
    std::vector<double> lifetimes, estimated, creation;
    // (CPU, weight) of the threads whose clocks were read: a random sample of
    // the short-lived stands for the unread too, or the long ones (all read)
    // outvote them (thread_cpu_estimate.h).
    std::vector<std::pair<double, double>> cpu;
    for (size_t index : g.members) {
        const ThreadInfo& t = log.threads[index];
        lifetimes.push_back(thread_end_ns(log, t) - thread_start_ns(log, t));
        if (t.cpu_estimated()) estimated.push_back(double(t.cpu_ns));
        else cpu.push_back({double(t.cpu_ns), weights[index]});
        g.cpu_estimated += t.cpu_estimated() ? 1 : 0;
        g.cpu_total_ns += double(t.cpu_ns);
        if (t.create_ticks != 0 && t.start_ticks >= t.create_ticks)
            creation.push_back(ns_from_tick_span(log, t.start_ticks - t.create_ticks));
        g.ended[std::min<unsigned>(static_cast<unsigned>(t.end), 3)]++;
    }
    g.lifetime_min_ns = *std::min_element(lifetimes.begin(), lifetimes.end());
    g.lifetime_max_ns = *std::max_element(lifetimes.begin(), lifetimes.end());
    g.lifetime_median_ns = median(lifetimes);
    // Estimates are all one value, the mean: they would drag the median to it.
    g.cpu_median_ns = cpu.empty() ? median(estimated) : weighted_median(cpu);
    g.creation_known = creation.size();
    g.creation_median_ns = median(creation);
}

}  // namespace

ThreadsSummary summarize_threads(const Log& log, ThreadNamer& names) {
    ThreadsSummary s;
    if (log.threads.empty()) return s;
    s.present = true;
    s.times_known = log.ticks_calibrated;
    s.threads = log.threads.size();
    // Name each distinct (routine, creation stack) once, then merge equal names.
    std::map<std::tuple<bool, uint64_t, uint32_t>, std::vector<size_t>> by_origin;
    for (size_t i = 0; i < log.threads.size(); ++i) {
        const ThreadInfo& t = log.threads[i];
        by_origin[{t.is_main, t.start_routine, t.create_stack}].push_back(i);
        if (!t.is_main && (t.create_stack != 0 || t.create_ticks != 0)) s.created++;
        s.cpu_total_ns += double(t.cpu_ns);
        s.cpu_estimated += t.cpu_estimated() ? 1 : 0;
        s.cpu_sampled += t.cpu_source == shimlog::ThreadCpu::ReadSample ? 1 : 0;
        if (t.joins > 0)
            s.joiners.push_back({t.tid, names.label(t), t.joins, ns_from_tick_span(log, t.join_wait_ticks)});
    }
    std::map<std::string, ThreadGroupStats> by_label;
    for (const auto& origin : by_origin) {
        const ThreadInfo& first = log.threads[origin.second.front()];
        ThreadGroupStats& g = by_label[names.group_key(first)];
        if (g.members.empty()) {
            g.label = names.label(first);
            g.routine = names.routine(first.start_routine);
            g.created_at = names.created_at(first.create_stack);
            g.create_stack = first.create_stack;
            g.is_main = first.is_main;
        }
        g.members.insert(g.members.end(), origin.second.begin(), origin.second.end());
    }
    std::vector<double> weights = thread_cpu_weights(log);
    ThreadsUnseenIo io = threads_unseen_io(log);
    s.io_state = io.state;
    std::vector<long> reading_of(log.threads.size(), -1);
    for (size_t i = 0; i < io.threads.size(); ++i)
        if (io.threads[i].thread >= 0) reading_of[size_t(io.threads[i].thread)] = long(i), s.io_read++;
    for (auto& entry : by_label) {
        fill_group(log, weights, entry.second);
        fill_group_io(io, reading_of, entry.second);
        s.groups.push_back(std::move(entry.second));
    }
    std::stable_sort(s.groups.begin(), s.groups.end(), [](const ThreadGroupStats& a, const ThreadGroupStats& b) {
        return a.count() != b.count() ? a.count() > b.count() : a.is_main > b.is_main;
    });
    std::stable_sort(s.joiners.begin(), s.joiners.end(),
                     [](const JoinWait& a, const JoinWait& b) { return a.wait_ns > b.wait_ns; });
    if (s.times_known) find_peak(log, s);
    return s;
}

}  // namespace analyzer
