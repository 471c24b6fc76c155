#include "wait_utilization.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "thread_time.h"

namespace analyzer {
namespace {

// Both sides of a rwlock are one object here.
shimlog::WaitKind object_kind(shimlog::WaitKind kind) {
    return kind == shimlog::WaitKind::RwRead ? shimlog::WaitKind::RwWrite : kind;
}

}  // namespace

WaitUtilization wait_utilization(const Log& log, const Concurrency& c) {
    WaitUtilization out;
    if (!c.present || c.slices.empty() || !log.ticks_calibrated || log.waits.events.empty()) return out;
    out.known = true;
    // The machine showed it can run this many at once (two at least: one
    // thread on CPU while others wait is the contention this looks for).
    out.target_level = std::max(2, c.peak_level);
    using Key = std::pair<shimlog::WaitKind, uint64_t>;
    std::map<Key, ObjectWaitTime> objects;
    std::map<Key, std::set<uint32_t>> waiters;
    std::map<Key, std::map<uint32_t, double>> site_ns;
    for (const PlacedWait& placed : placed_waits(log)) {
        const WaitEvent& e = *placed.event;
        double start = placed.start_ns, end = placed.end_ns;
        Key key{object_kind(e.kind), e.object};
        ObjectWaitTime& o = objects[key];
        o.kind = key.first, o.object = key.second;
        o.waits++;
        o.wait_ns += end - start;
        waiters[key].insert(e.tid);
        site_ns[key][e.stack_id] += end - start;
        // Windows are in time order: the first that ends after the wait starts.
        auto w = std::partition_point(c.slices.begin(), c.slices.end(),
                                      [&](const ParallelismSlice& s) { return s.end_ns <= start; });
        for (; w != c.slices.end() && w->start_ns < end; ++w) {
            double part = std::min(end, w->end_ns) - std::max(start, w->start_ns);
            if (part <= 0) continue;
            out.covered_wait_ns += part;
            if (parallelism_level(w->parallelism()) < out.target_level) o.poor_ns += part;
        }
    }
    for (auto& entry : objects) {
        ObjectWaitTime& o = entry.second;
        o.threads = uint32_t(waiters[entry.first].size());
        double most = -1;
        for (const auto& site : site_ns[entry.first])
            if (site.second > most) most = site.second, o.stack_id = site.first;
        out.objects.push_back(o);
    }
    std::sort(out.objects.begin(), out.objects.end(), [](const ObjectWaitTime& a, const ObjectWaitTime& b) {
        if (a.poor_ns != b.poor_ns) return a.poor_ns > b.poor_ns;
        if (a.wait_ns != b.wait_ns) return a.wait_ns > b.wait_ns;
        return std::make_pair(a.kind, a.object) < std::make_pair(b.kind, b.object);
    });
    return out;
}

}  // namespace analyzer
