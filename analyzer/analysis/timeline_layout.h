// Which thread goes on which track of a timeline. A thread gets a track of
// its own unless its kind (thread_names.h label) has more than
// own_track_limit threads; the rest of that kind share a few summary lanes,
// each thread one slice, placed so slices on a lane never overlap. Threads
// that find every lane busy are counted, not drawn (an "alive" counter
// shows them all).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "threads_summary.h"

namespace analyzer {

struct TimelineTrack {
    uint64_t id = 0;              // the trace's tid: the thread id, or a made-up one
    std::string name;
    std::vector<size_t> threads;  // indexes into Log::threads, in start order, never overlapping
    bool summary = false;         // a lane shared by many threads
    size_t group = 0;             // index into ThreadsSummary::groups
};

struct TimelineGroup {
    size_t group = 0;         // index into ThreadsSummary::groups
    uint64_t summarized = 0;  // threads put on lanes or left undrawn
    uint64_t undrawn = 0;     // every lane was busy when they started
};

struct TimelineLayout {
    std::vector<TimelineTrack> tracks;     // in display order: main, own tracks by start, lanes
    std::vector<TimelineGroup> summarized; // kinds with lanes
};

struct LayoutOptions {
    size_t own_track_limit = 64;  // threads of one kind drawn on tracks of their own
    size_t max_lanes = 32;        // summary lanes per kind
};

TimelineLayout lay_out_threads(const Log& log, const ThreadsSummary& summary, const LayoutOptions& options = {});

// Track ids made up for lanes and the analyzer's own tracks start here, above
// any kernel thread id (pid_max is at most 2^22).
constexpr uint64_t kSyntheticTrackBase = 1u << 30;

}  // namespace analyzer
