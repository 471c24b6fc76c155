#include "thread_time.h"

#include <algorithm>
#include <map>
#include <utility>

#include "../model/time_axis.h"
#include "phase_attribution.h"

namespace analyzer {
namespace {

// A wait counts in a range for its overlap only: a 2 s join that began
// before the phase is charged the phase's part of it.
double overlap(double a_start, double a_end, double b_start, double b_end) {
    return std::max(0.0, std::min(a_end, b_end) - std::max(a_start, b_start));
}

void sort_io_on(std::vector<std::pair<int32_t, double>>& io_on) {
    std::sort(io_on.begin(), io_on.end(), [](const std::pair<int32_t, double>& a, const std::pair<int32_t, double>& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
}

void sort_waits(std::vector<ObjectWait>& waits) {
    std::sort(waits.begin(), waits.end(), [](const ObjectWait& a, const ObjectWait& b) {
        if (a.ns != b.ns) return a.ns > b.ns;
        return std::make_pair(a.kind, a.object) < std::make_pair(b.kind, b.object);
    });
}

// One entry per (kind, object), the entries of each merged in the order they
// came, then the most time first. By sorting, not by a search per entry: a
// thread may join 100,000 threads, each an object of its own.
void merge_waits(std::vector<ObjectWait>& waits) {
    std::stable_sort(waits.begin(), waits.end(), [](const ObjectWait& a, const ObjectWait& b) {
        return std::make_pair(a.kind, a.object) < std::make_pair(b.kind, b.object);
    });
    size_t kept = 0;
    for (size_t i = 0; i < waits.size(); ++i) {
        const ObjectWait& w = waits[i];
        if (kept > 0 && waits[kept - 1].kind == w.kind && waits[kept - 1].object == w.object) {
            ObjectWait& have = waits[kept - 1];
            if (w.longest_ns > have.longest_ns) have.longest_ns = w.longest_ns, have.stack_id = w.stack_id;
            have.ns += w.ns;
            have.waits += w.waits;
        } else {
            waits[kept++] = w;
        }
    }
    waits.resize(kept);
    sort_waits(waits);
}

}  // namespace

std::vector<PlacedWait> placed_waits(const Log& log) {
    std::vector<PlacedWait> placed;
    if (!log.ticks_calibrated) return placed;
    // A join waits for the joined thread until it ends; what follows is the
    // joiner waking up (runnable, on a busy machine for milliseconds), not a wait.
    std::map<uint64_t, std::vector<double>> ends;  // by tid: each life's end
    for (const ThreadInfo& t : log.threads) ends[t.tid].push_back(thread_end_ns(log, t));
    placed.reserve(log.waits.events.size());
    for (const WaitEvent& e : log.waits.events) {
        double start = run_ns_from_ticks(log, e.start_ticks), end = start + double(e.length_ns);
        if (e.kind == shimlog::WaitKind::Join) {
            auto joined = ends.find(e.object);
            if (joined != ends.end())
                for (double joined_end : joined->second)
                    if (joined_end >= start && joined_end < end) end = joined_end;
        }
        placed.push_back({start, end, &e});
    }
    return placed;
}

double ThreadTime::waited_ns() const {
    double sum = 0;
    for (const ObjectWait& w : waits) sum += w.ns;
    return sum;
}

double ThreadTime::blocked_ns() const {
    double sum = 0;
    for (const ObjectWait& w : waits) sum += w.kind == shimlog::WaitKind::Spin ? 0 : w.ns;
    return sum;
}

const ThreadTime* RangeTime::thread(uint32_t tid) const {
    const ThreadTime* best = nullptr;
    for (const ThreadTime& t : threads)
        if (t.tid == tid && (best == nullptr || t.alive_ns > best->alive_ns)) best = &t;
    return best;
}

ThreadTimes::ThreadTimes(const ThreadCpuTimeline& timeline) : timeline_(timeline) {
    const Log& log = timeline.log();
    // Without a calibrated clock neither lives nor waits can be placed; without
    // waits recorded (SHIM_WAITS=0, an older shim) the blocked time cannot be told apart.
    known_ = log.ticks_calibrated && !log.threads.empty() && log.waits_recorded();
    if (!known_) return;
    for (const PlacedWait& w : placed_waits(log)) waits_[w.event->tid].push_back(w);
    for (auto& entry : waits_)
        std::sort(entry.second.begin(), entry.second.end(),
                  [](const PlacedWait& a, const PlacedWait& b) { return a.start_ns < b.start_ns; });
    for (const ThreadBlockedReading& r : log.samples.thread_blocked)
        blocked_[r.tid].push_back({run_ns_from_monotonic(log, r.at_ns), r.kind, r.fd});
    for (auto& entry : blocked_)
        std::sort(entry.second.begin(), entry.second.end(),
                  [](const Blocked& a, const Blocked& b) { return a.at_ns < b.at_ns; });
}

// Splits t.unseen_ns by what the sampler found the thread blocked in within
// [lo, hi), leaving out readings inside its recorded waits (those are named).
void ThreadTimes::split_unseen(ThreadTime& t, double lo, double hi) const {
    auto found = blocked_.find(t.tid);
    if (found == blocked_.end() || t.unseen_ns <= 0) return;
    auto waits = waits_.find(t.tid);
    std::array<uint64_t, kBlockedKinds> count{};
    std::map<int32_t, uint64_t> on_fd;  // Io readings naming their descriptor
    for (const Blocked& b : found->second) {
        if (b.at_ns < lo || b.at_ns >= hi) continue;
        bool in_wait = false;
        if (waits != waits_.end())
            for (const PlacedWait& w : waits->second)
                if (w.start_ns <= b.at_ns && b.at_ns < w.end_ns) in_wait = true;
        size_t kind = size_t(b.kind) - 1;
        if (in_wait || kind >= kBlockedKinds) continue;
        count[kind]++;
        t.blocked_readings++;
        if (b.kind == shimlog::BlockedIn::Io && b.fd >= 0) on_fd[b.fd]++;
    }
    for (size_t k = 0; k < kBlockedKinds && t.blocked_readings > 0; ++k)
        t.unseen_in[k] = t.unseen_ns * double(count[k]) / double(t.blocked_readings);
    for (const auto& fd : on_fd) t.io_on.push_back({fd.first, t.unseen_ns * double(fd.second) / double(t.blocked_readings)});
    sort_io_on(t.io_on);
}

RangeTime ThreadTimes::in(double start_ns, double end_ns) const {
    RangeTime r;
    r.start_ns = start_ns, r.end_ns = end_ns, r.length_ns = std::max(0.0, end_ns - start_ns);
    r.known = known_;
    if (!known_ || r.length_ns <= 0) return r;
    const Log& log = timeline_.log();
    r.waits_dropped = log.waits.dropped_events;
    r.runnable_known = !log.samples.thread_wait.empty();
    for (size_t i = 0; i < log.threads.size(); ++i) {
        const ThreadInfo& info = log.threads[i];
        double born = thread_start_ns(log, info), gone = thread_end_ns(log, info);
        double lo = std::max(born, start_ns), hi = std::min(gone, end_ns);
        bool inside = born >= start_ns && gone <= end_ns && hi > lo;
        if (hi - lo < kMinAliveShare * r.length_ns && !inside) {
            // Not "alive meanwhile" (the phases' rule): say which side it was on.
            if (gone - start_ns <= end_ns - born) r.ended++;
            else r.not_started++;
            continue;
        }
        ThreadTime t;
        t.tid = info.tid;
        t.thread = i;
        t.alive_ns = hi - lo;
        auto placed = waits_.find(info.tid);
        if (placed != waits_.end()) {
            const std::vector<PlacedWait>& waits = placed->second;
            // Waits in time order never overlap within a thread: the first that
            // ends after `lo` is the first that can count.
            auto first = std::partition_point(waits.begin(), waits.end(),
                                              [&](const PlacedWait& w) { return w.end_ns <= lo; });
            for (auto w = first; w != waits.end() && w->start_ns < hi; ++w) {
                double ns = overlap(w->start_ns, w->end_ns, lo, hi);
                if (ns > 0) t.waits.push_back({w->event->kind, w->event->object, ns, 1, ns, w->event->stack_id});
            }
        }
        merge_waits(t.waits);
        // A blocked thread is off CPU: CPU and run-queue readings, spread evenly
        // between readings, fill at most what the exact waits leave. A spinning
        // thread is on it: its exact spin time is a part of its CPU time (which
        // the readings include), not a share beside it.
        t.spin_ns = t.waited_ns() - t.blocked_ns();
        double left = std::max(0.0, t.alive_ns - t.blocked_ns() - t.spin_ns);
        double other_cpu = std::min(left, std::max(0.0, timeline_.cpu_of(info.tid, lo, hi) - t.spin_ns));
        t.cpu_ns = t.spin_ns + other_cpu;
        left -= other_cpu;
        // Short threads' run-queue time may never have been read (the sampler
        // reads a sample of them): their off-CPU time is then not all "blocked".
        ThreadCpuTimeline::RunQueueTime queue = timeline_.run_queue_of(info.tid, born, lo, hi);
        t.unread_ns = std::max(0.0, t.alive_ns - queue.covered_ns);
        t.runnable_ns = std::min(left, queue.waiting_ns);
        t.unseen_ns = left - t.runnable_ns;
        split_unseen(t, lo, hi);
        r.threads.push_back(std::move(t));
    }
    return r;
}

void add_thread_time(ThreadTime& into, const ThreadTime& more) {
    into.alive_ns += more.alive_ns, into.cpu_ns += more.cpu_ns, into.runnable_ns += more.runnable_ns;
    into.spin_ns += more.spin_ns;
    into.unseen_ns += more.unseen_ns, into.unread_ns += more.unread_ns;
    for (size_t k = 0; k < kBlockedKinds; ++k) into.unseen_in[k] += more.unseen_in[k];
    into.blocked_readings += more.blocked_readings;
    for (const auto& fd : more.io_on) {
        auto have = std::find_if(into.io_on.begin(), into.io_on.end(),
                                 [&](const std::pair<int32_t, double>& mine) { return mine.first == fd.first; });
        if (have != into.io_on.end()) have->second += fd.second;
        else into.io_on.push_back(fd);
    }
    sort_io_on(into.io_on);
    into.waits.insert(into.waits.end(), more.waits.begin(), more.waits.end());
    merge_waits(into.waits);
}

void merge_range_time(RangeTime& into, const RangeTime& more) {
    if (into.length_ns <= 0 && into.threads.empty()) {
        into = more;
        return;
    }
    into.start_ns = std::min(into.start_ns, more.start_ns);
    into.end_ns = std::max(into.end_ns, more.end_ns);
    into.length_ns += more.length_ns;
    into.known = into.known && more.known;
    into.runnable_known = into.runnable_known && more.runnable_known;
    into.waits_dropped = std::max(into.waits_dropped, more.waits_dropped);
    into.ended = std::max(into.ended, more.ended);
    into.not_started = std::max(into.not_started, more.not_started);
    for (const ThreadTime& t : more.threads) {
        auto same = std::find_if(into.threads.begin(), into.threads.end(),
                                 [&](const ThreadTime& have) { return have.thread == t.thread; });
        if (same == into.threads.end()) {
            into.threads.push_back(t);
            continue;
        }
        add_thread_time(*same, t);
    }
    std::sort(into.threads.begin(), into.threads.end(),
              [](const ThreadTime& a, const ThreadTime& b) { return a.thread < b.thread; });
}

PhaseThreadTimes thread_times_of_phases(const ThreadCpuTimeline& timeline, const Concurrency& c) {
    PhaseThreadTimes out;
    ThreadTimes times(timeline);
    for (const Phase& p : c.serial_phases) out.serial.push_back(times.in(p.start_ns, p.end_ns));
    for (const Phase& p : c.idle_phases) out.idle.push_back(times.in(p.start_ns, p.end_ns));
    out.run = times.in(0, run_wall_ns(timeline.log()));
    return out;
}

}  // namespace analyzer
