#include "timeline_layout.h"

#include <algorithm>
#include <set>

#include "../text/format.h"

namespace analyzer {
namespace {

// Lanes for `members` (in start order): first fit, a new lane while under
// the limit; threads that fit nowhere stay undrawn.
void fill_lanes(const Log& log, const std::vector<size_t>& members, size_t group, const std::string& label,
                const LayoutOptions& options, uint64_t& next_id, TimelineLayout& layout, TimelineGroup& summary) {
    std::vector<double> lane_end;
    size_t first_lane = layout.tracks.size();
    for (size_t index : members) {
        const ThreadInfo& t = log.threads[index];
        double start = thread_start_ns(log, t), end = thread_end_ns(log, t);
        size_t lane = 0;
        while (lane < lane_end.size() && lane_end[lane] > start) ++lane;
        if (lane == lane_end.size()) {
            if (lane_end.size() == options.max_lanes) {
                summary.undrawn++;
                continue;
            }
            lane_end.push_back(0);
            TimelineTrack track;
            track.id = next_id++;
            track.summary = true;
            track.group = group;
            layout.tracks.push_back(track);
        }
        lane_end[lane] = end;
        layout.tracks[first_lane + lane].threads.push_back(index);
    }
    std::string kind = label + " (" + with_commas(summary.summarized) + " more threads)";
    for (size_t lane = 0; lane < lane_end.size(); ++lane)
        layout.tracks[first_lane + lane].name = kind + ", lane " + std::to_string(lane + 1);
}

}  // namespace

TimelineLayout lay_out_threads(const Log& log, const ThreadsSummary& summary, const LayoutOptions& options) {
    TimelineLayout layout;
    std::set<uint64_t> used;
    uint64_t next_id = kSyntheticTrackBase;
    std::vector<TimelineTrack> own;
    for (size_t g = 0; g < summary.groups.size(); ++g) {
        const ThreadGroupStats& group = summary.groups[g];
        size_t keep = std::min(group.members.size(), options.own_track_limit);
        for (size_t i = 0; i < keep; ++i) {
            const ThreadInfo& t = log.threads[group.members[i]];
            TimelineTrack track;
            // A reused thread id gets a made-up one: one track, one thread.
            track.id = used.insert(t.tid).second ? t.tid : next_id++;
            track.name = (t.is_main ? std::string("main") : group.label) + " [" + std::to_string(t.tid) + "]";
            track.threads.push_back(group.members[i]);
            track.group = g;
            own.push_back(track);
        }
    }
    // Main first, then by start time, as the threads appeared.
    std::stable_sort(own.begin(), own.end(), [&log](const TimelineTrack& a, const TimelineTrack& b) {
        const ThreadInfo& x = log.threads[a.threads.front()];
        const ThreadInfo& y = log.threads[b.threads.front()];
        if (x.is_main != y.is_main) return x.is_main;
        return thread_start_ns(log, x) < thread_start_ns(log, y);
    });
    layout.tracks = std::move(own);
    for (size_t g = 0; g < summary.groups.size(); ++g) {
        const ThreadGroupStats& group = summary.groups[g];
        if (group.members.size() <= options.own_track_limit) continue;
        TimelineGroup lanes;
        lanes.group = g;
        std::vector<size_t> rest(group.members.begin() + long(options.own_track_limit), group.members.end());
        lanes.summarized = rest.size();
        fill_lanes(log, rest, g, group.label, options, next_id, layout, lanes);
        layout.summarized.push_back(lanes);
    }
    return layout;
}

}  // namespace analyzer
