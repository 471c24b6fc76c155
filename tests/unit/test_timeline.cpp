// `analyzer timeline`: the Chrome trace parses, holds a track per thread, and
// groups many threads of one kind onto a few non-overlapping lanes.
#include <catch2/catch.hpp>

#include "../../analyzer/analysis/timeline_layout.h"
#include "thread_fixtures.h"
#include "trace_reader.h"

using namespace analyzer;
using fixtures::kMs;

namespace {

// Python reads the trace back: the JSON parses, and it prints
// "<thread tracks> <X slices> <lane tracks> <counter events> <instant events>".
std::string inspect(const std::string& json) {
    return trace_reader::python_on(
        "import json,sys\n"
        "d=json.load(open(sys.argv[1]))\n"
        "ev=d['traceEvents']\n"
        "x=[e for e in ev if e['ph']=='X' and e['tid']!=(1<<30)-1]\n"
        "names={e['tid']:e['args']['name'] for e in ev if e['ph']=='M' and e['name']=='thread_name'}\n"
        "lanes=[t for t,n in names.items() if ', lane ' in n]\n"
        "by={}\n"
        "[by.setdefault(e['tid'],[]).append((e['ts'],e['ts']+e['dur'])) for e in x]\n"
        "ok=all(a[1]<=b[0]+1e-6 for s in by.values() for a,b in zip(sorted(s),sorted(s)[1:]))\n"
        "assert ok, 'overlapping slices on one track'\n"
        "print(len(by), len(x), len(lanes), sum(e['ph']=='C' for e in ev), sum(e['ph']=='i' for e in ev))\n",
        json);
}

std::string trace_of(const Log& log, std::vector<std::string>* notes = nullptr, LayoutOptions layout = {}) {
    TimelineOptions options;
    options.layout = layout;
    return trace_reader::trace_of(log, options, notes);
}

// The main thread and `count` workers started every `gap_ns`, each living `life_ns`.
Log workers(uint64_t count, uint64_t gap_ns, uint64_t life_ns) {
    Log log = fixtures::two_then_one();
    log.threads.clear();
    for (uint64_t i = 0; i < count; ++i)
        log.threads.push_back(fixtures::thread(uint32_t(100 + i), i * gap_ns, i * gap_ns + life_ns, life_ns));
    log.threads.push_back(fixtures::thread(1, 0, 1000 * kMs, 500 * kMs));
    return log;
}

}  // namespace

TEST_CASE("timeline: valid JSON with a track per thread, P(t) and the phases", "[timeline]") {
    std::string out = inspect(trace_of(fixtures::two_then_one()));
    // 3 threads on 3 tracks, 3 slices, no lanes; 100 P(t) points (10 ms
    // windows) and a final 0; the serial phase as an instant marker.
    CHECK(out == "3 3 0 101 1\n");
}

TEST_CASE("timeline: threads beyond the limit share lanes without overlap", "[timeline]") {
    // 300 workers, one after another: 64 own tracks, the rest fit on one lane.
    std::string out = inspect(trace_of(workers(300, 1 * kMs, kMs / 2)));
    INFO(out);
    CHECK(out.rfind("66 301 1 ", 0) == 0);
    // Three alive at once: three lanes.
    out = inspect(trace_of(workers(300, 1 * kMs, 3 * kMs - 1000)));
    INFO(out);
    CHECK(out.rfind("68 301 3 ", 0) == 0);
}

TEST_CASE("timeline: threads that find every lane busy are counted, not drawn", "[timeline]") {
    std::vector<std::string> notes;
    LayoutOptions layout;
    layout.own_track_limit = 10;
    layout.max_lanes = 4;
    // 100 workers alive together: 10 own tracks, 4 lanes, 86 undrawn.
    std::string out = inspect(trace_of(workers(100, 1000, 500 * kMs), &notes, layout));
    INFO(out);
    CHECK(out.rfind("15 15 4 ", 0) == 0);
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].find("86 threads") != std::string::npos);
}

TEST_CASE("timeline layout: main first, then own tracks in start order", "[timeline]") {
    Log log = workers(3, 10 * kMs, kMs);
    Symbolizer symbols({});
    CallSites sites(log, symbols);
    ThreadNamer names(sites);
    ThreadsSummary summary = summarize_threads(log, names);
    TimelineLayout layout = lay_out_threads(log, summary);
    REQUIRE(layout.tracks.size() == 4);
    CHECK(layout.tracks[0].id == 1);
    CHECK(layout.tracks[1].id == 100);
    CHECK(layout.tracks[3].id == 102);
    CHECK(layout.summarized.empty());
}
