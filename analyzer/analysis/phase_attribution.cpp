#include "phase_attribution.h"

#include <algorithm>

#include "../decode/alloc_chunk_reader.h"
#include "../model/time_axis.h"

namespace analyzer {
namespace {

// How much a cumulative series grew in [start_ns, end_ns), spread evenly
// between its points.
template <typename Point>
double growth_in(const std::vector<Point>& points, double start_ns, double end_ns) {
    double grew = 0;
    for (size_t i = 1; i < points.size(); ++i) {
        const Point& a = points[i - 1];
        const Point& b = points[i];
        double lo = std::max(a.at_ns, start_ns), hi = std::min(b.at_ns, end_ns);
        if (hi > lo) grew += (b.cpu_ns - a.cpu_ns) * (hi - lo) / (b.at_ns - a.at_ns);
    }
    return grew;
}

}  // namespace

ThreadCpuTimeline::ThreadCpuTimeline(const Log& log) : log_(log) {
    for (const ThreadCpuReading& r : log.samples.thread_wait) {
        std::vector<Point>& points = waits_[r.tid];
        double at = run_ns_from_monotonic(log, r.at_ns);
        if (points.empty() || (at > points.back().at_ns && double(r.cpu_ns) >= points.back().cpu_ns))
            points.push_back({at, double(r.cpu_ns)});
    }
    // A thread's CPU starts at 0 when it starts: from its Thread record when
    // the clock is known, else from the reading before its first (the
    // sampler's previous round), else from the first sample.
    std::map<uint32_t, double> started;
    if (log.ticks_calibrated)
        for (const ThreadInfo& t : log.threads)
            started[t.tid] = t.is_main ? 0 : run_ns_from_ticks(log, t.start_ticks);
    double first_sample = log.samples.ticks.empty()
                              ? 0
                              : run_ns_from_monotonic(log, log.samples.ticks.front().end_ns) -
                                    double(log.samples.ticks.front().dt_ns);
    double previous_round = std::max(0.0, first_sample), this_round = previous_round;
    for (const ThreadCpuReading& r : log.samples.thread_cpu) {
        double at = run_ns_from_monotonic(log, r.at_ns);
        if (at != this_round) previous_round = this_round, this_round = at;
        std::vector<Point>& points = points_[r.tid];
        if (points.empty()) {
            auto s = started.find(r.tid);
            points.push_back({s != started.end() ? std::min(s->second, at) : previous_round, 0});
        }
        if (at >= points.back().at_ns && double(r.cpu_ns) >= points.back().cpu_ns)
            points.push_back({at, double(r.cpu_ns)});
    }
    // The record's total at the thread's end covers what the readings missed:
    // the time after the last reading, and threads too short to be read at all.
    if (!log.ticks_calibrated) return;
    for (const ThreadInfo& t : log.threads) {
        std::vector<Point>& points = points_[t.tid];
        double start = t.is_main ? 0 : run_ns_from_ticks(log, t.start_ticks);
        double end = std::max(start, run_ns_from_ticks(log, t.end_ticks));
        lives_.push_back({t.tid, start, end});
        if (points.empty()) points.push_back({start, 0});
        if (start > points.back().at_ns) {
            // A later thread with a reused id, never read by the sampler:
            // its CPU continues the id's running total.
            double before = points.back().cpu_ns;
            points.push_back({start, before});
            points.push_back({end, before + double(t.cpu_ns)});
        } else if (end >= points.back().at_ns && double(t.cpu_ns) >= points.back().cpu_ns) {
            points.push_back({end, double(t.cpu_ns)});
        }
    }
}

std::vector<ThreadShare> ThreadCpuTimeline::cpu_in(double start_ns, double end_ns) const {
    std::vector<ThreadShare> shares;
    for (const auto& entry : points_) {
        double used = growth_in(entry.second, start_ns, end_ns);
        if (used > 0) shares.push_back({entry.first, used});
    }
    std::sort(shares.begin(), shares.end(), [](const ThreadShare& x, const ThreadShare& y) {
        return x.cpu_ns != y.cpu_ns ? x.cpu_ns > y.cpu_ns : x.tid < y.tid;
    });
    return shares;
}

std::vector<uint32_t> ThreadCpuTimeline::alive_in(double start_ns, double end_ns, double min_overlap_ns) const {
    std::vector<uint32_t> alive;
    // Long enough in the range, or born and gone inside it.
    auto overlaps = [&](double from, double to) {
        double overlap = std::min(to, end_ns) - std::max(from, start_ns);
        return overlap >= min_overlap_ns || (overlap > 0 && from >= start_ns && to <= end_ns);
    };
    if (!lives_.empty()) {
        for (const Life& life : lives_)
            if (overlaps(life.start_ns, life.end_ns)) alive.push_back(life.tid);
        return alive;
    }
    // No usable Thread records: a thread lived from its first reading to its last.
    for (const auto& entry : points_)
        if (!entry.second.empty() && overlaps(entry.second.front().at_ns, entry.second.back().at_ns))
            alive.push_back(entry.first);
    return alive;
}

double ThreadCpuTimeline::waiting_in(double start_ns, double end_ns) const {
    if (waits_.empty()) return -1;
    double waited = 0;
    for (const auto& entry : waits_) waited += growth_in(entry.second, start_ns, end_ns);
    return waited;
}

double ThreadCpuTimeline::cpu_of(uint32_t tid, double start_ns, double end_ns) const {
    auto found = points_.find(tid);
    return found == points_.end() ? 0 : growth_in(found->second, start_ns, end_ns);
}

ThreadCpuTimeline::RunQueueTime ThreadCpuTimeline::run_queue_of(uint32_t tid, double born_ns, double start_ns,
                                                                double end_ns) const {
    RunQueueTime out;
    auto found = waits_.find(tid);
    if (found == waits_.end() || found->second.empty()) return out;
    // Readings from the sampler's rounds only: the thread's start adds the
    // first point (a sparse sampler may have read a short thread only once).
    std::vector<Point> points;
    for (const Point& p : found->second)
        if (p.at_ns >= born_ns) points.push_back(p);
    if (points.empty()) return out;
    if (born_ns < points.front().at_ns) points.insert(points.begin(), Point{born_ns, 0});
    out.waiting_ns = growth_in(points, start_ns, end_ns);
    out.covered_ns = std::max(0.0, std::min(end_ns, points.back().at_ns) - std::max(start_ns, points.front().at_ns));
    return out;
}

std::pair<double, double> ThreadCpuTimeline::seen(uint32_t tid) const {
    auto found = points_.find(tid);
    if (found == points_.end() || found->second.empty()) return {0, 0};
    return {found->second.front().at_ns, found->second.back().at_ns};
}

namespace {

// A thread that did at least this share of a phase's CPU defines its cast.
constexpr double kSignificantShare = 0.1;

double cpu_between(const std::vector<ParallelismSlice>& windows, double start_ns, double end_ns) {
    double cpu = 0;
    for (const ParallelismSlice& w : windows) {
        double lo = std::max(w.start_ns, start_ns), hi = std::min(w.end_ns, end_ns);
        if (hi > lo) cpu += w.cpu_ns * (hi - lo) / (w.end_ns - w.start_ns);
    }
    return cpu;
}

std::vector<Phase> split_at_thread_changes(const ThreadCpuTimeline& timeline, const Concurrency& c) {
    std::vector<Phase> pieces;
    std::vector<double> alone = single_thread_edges(timeline.log(), c.min_phase_ns);
    for (const Phase& p : c.serial_phases) {
        std::vector<double> cuts{p.start_ns, p.end_ns};
        for (double at : alone)
            if (at > p.start_ns && at < p.end_ns) cuts.push_back(at);
        for (const ThreadShare& share : timeline.cpu_in(p.start_ns, p.end_ns)) {
            if (share.cpu_ns < kSignificantShare * p.cpu_ns) break;  // most first
            std::pair<double, double> seen = timeline.seen(share.tid);
            for (double at : {seen.first, seen.second})
                if (at > p.start_ns && at < p.end_ns) cuts.push_back(at);
        }
        std::sort(cuts.begin(), cuts.end());
        for (size_t i = 1; i < cuts.size(); ++i) {
            Phase piece;
            piece.start_ns = cuts[i - 1];
            piece.end_ns = cuts[i];
            if (piece.length_ns() < c.min_phase_ns) continue;
            piece.cpu_ns = cuts.size() == 2 ? p.cpu_ns : cpu_between(c.slices, piece.start_ns, piece.end_ns);
            pieces.push_back(piece);
        }
    }
    return pieces;
}

}  // namespace

void attribute_phases(const ThreadCpuTimeline& timeline, Concurrency& c) {
    c.serial_phases = split_at_thread_changes(timeline, c);
    attribute_phases(timeline, c.serial_phases);
    attribute_phases(timeline, c.idle_phases);
}

void attribute_phases(const ThreadCpuTimeline& timeline, std::vector<Phase>& phases) {
    for (Phase& p : phases) {
        std::vector<ThreadShare> shares = timeline.cpu_in(p.start_ns, p.end_ns);
        std::vector<uint32_t> alive = timeline.alive_in(p.start_ns, p.end_ns, kMinAliveShare * p.length_ns());
        p.threads_alive = uint32_t(alive.size());
        p.tid = alive.size() == 1 ? alive.front() : !shares.empty() ? shares.front().tid : 0;
        double total = 0;
        for (const ThreadShare& share : shares) {
            total += share.cpu_ns;
            if (share.tid == p.tid) p.thread_cpu_ns = share.cpu_ns;
            else p.top_other_cpu_ns = std::max(p.top_other_cpu_ns, share.cpu_ns);
        }
        p.others_cpu_ns = total - p.thread_cpu_ns;
        p.waiting_ns = timeline.waiting_in(p.start_ns, p.end_ns);
        // The only thread there did all the process's work there: readings
        // every ~10 ms spread its CPU too evenly to show that by themselves.
        // A thread cannot use more CPU than the wall time (the process clock's
        // lag can put a little of the others' work into the phase).
        if (alive.size() == 1) p.thread_cpu_ns = std::min(p.length_ns(), std::max(0.0, p.cpu_ns - p.others_cpu_ns));
    }
}

RangeAllocations allocations_in(const Log& log, uint32_t tid, double start_ns, double end_ns) {
    RangeAllocations out;
    if (log.alloc_chunks.empty() || !log.ticks_calibrated) return out;
    out.known = true;
    for (const AllocChunk& chunk : log.alloc_chunks) {
        if (chunk.tid != tid) continue;
        AllocChunkReader reader(chunk);
        AllocEvent event;
        while (reader.next(event)) {
            if (!event.is_alloc) continue;
            double at = run_ns_from_ticks(log, event.ticks);
            if (at < start_ns || at >= end_ns) continue;
            out.allocations++;
            out.bytes += event.size;
        }
    }
    return out;
}

}  // namespace analyzer
