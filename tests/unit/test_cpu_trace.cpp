// The CPU samples in the Chrome trace (views/chrome_trace_cpu.cpp): read back
// as a viewer reads them, every sample names a frame of "stackFrames" whose
// parents chain to the stack's outermost function, sits on a thread's track,
// and a capped trace keeps the totals.
#include <catch2/catch.hpp>

#include "thread_fixtures.h"
#include "trace_reader.h"

using namespace analyzer;
using fixtures::kMs;
using trace_reader::trace_of;

namespace {

// Python reads the trace back and prints, after checking every reference:
// "<frames> <samples written> <total weight> <sampled tracks> <stacks of the samples>"
// with each stack its frames' names, outermost first, joined by ';'.
std::string inspect(const std::string& json) {
    return trace_reader::python_on(
        "import json,sys\n"
        "d=json.load(open(sys.argv[1]))\n"
        "ev=d['traceEvents']\n"
        "named={e['tid'] for e in ev if e['ph']=='M' and e['name']=='thread_name'}\n"
        "sf=d['stackFrames']\n"
        "def chain(i):\n"
        "  names=[]\n"
        "  while i is not None:\n"
        "    assert i in sf, 'no frame '+str(i)\n"
        "    assert len(names)<100, 'a cycle'\n"
        "    names.append(sf[i]['name']); i=sf[i].get('parent')\n"
        "  return ';'.join(reversed(names))\n"
        "s=d['samples']\n"
        "assert all(x['tid'] in named for x in s), 'a sample on a track with no name'\n"
        "assert all(x['pid']==d['traceEvents'][0]['pid'] for x in s)\n"
        "keys=set((f.get('parent'),f['name']) for f in sf.values())\n"
        "assert len(keys)==len(sf), 'frames not deduplicated'\n"
        "stacks=sorted(set(chain(x['sf']) for x in s))\n"
        "print(len(sf), len(s), sum(x['weight'] for x in s), len({x['tid'] for x in s}), ' '.join(stacks))\n",
        json);
}

// fixtures::two_then_one sampled every 10 ms of CPU: threads 2 and 3 in the
// hot leaf 0x1101 (called from 0x2200 in 0x3300) for 0.5 s, then the main
// thread in 0x2201 (called from 0x3300) alone for 0.5 s. 150 samples.
Log sampled_run() {
    Log log = fixtures::two_then_one();
    log.process.pid = 1;
    log.stacks[1] = {0x1101, 0x2200, 0x3300};
    log.stacks[2] = {0x2201, 0x3300};
    log.cpu.period_ns = 10 * kMs;
    log.cpu.batches = 3;
    for (uint32_t tid : {2u, 3u})
        for (uint64_t ms = 5; ms < 500; ms += 10) log.cpu.samples.push_back({tid, ms * kMs, 1, 10 * kMs});
    for (uint64_t ms = 505; ms < 1000; ms += 10) log.cpu.samples.push_back({1, ms * kMs, 2, 10 * kMs});
    return log;
}

}  // namespace

TEST_CASE("trace: CPU samples on their threads' tracks, frames chained to the sampled function", "[timeline][cpu]") {
    std::string json = trace_of(sampled_run());
    std::string out = inspect(json);
    // 4 frames (0x3300, 0x2200 and 0x2201 under it, 0x1101 under 0x2200),
    // every sample written with its one expiry, on the 3 threads' tracks.
    CHECK(out == "4 150 150 3 0x3300;0x2200;0x1101 0x3300;0x2201\n");
    CHECK(json.find("\"cpu_samples\":{\"samples\":150,\"written\":150,\"period_ns\":10000000") != std::string::npos);
}

TEST_CASE("trace: over the cap, every Nth sample of each thread, weighing the ones left out", "[timeline][cpu]") {
    TimelineOptions options;
    options.cpu.max_samples = 50;  // 150 samples: one in 4 kept, 12 of each thread's 50
    std::vector<std::string> notes;
    std::string json = trace_of(sampled_run(), options, &notes);
    std::string out = inspect(json);
    INFO(out);
    CHECK(out.rfind("4 36 150 3 ", 0) == 0);  // the total weight unchanged
    CHECK(json.find("\"every\":4") != std::string::npos);
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].find("one in 4 CPU samples kept (36 of 150") != std::string::npos);
}

TEST_CASE("trace: a storm of short threads, each sampled once, is thinned too", "[timeline][cpu]") {
    Log log = sampled_run();
    log.cpu.samples.clear();
    for (uint32_t tid = 100; tid < 400; ++tid) log.cpu.samples.push_back({tid, tid * kMs, 1, 10 * kMs});
    TimelineOptions options;
    options.cpu.max_samples = 100;  // 300 samples of 300 threads: one in 4 kept
    std::string out = inspect(trace_of(log, options));
    INFO(out);
    CHECK(out.rfind("3 75 300 75 ", 0) == 0);
}

TEST_CASE("trace: a program that never created a thread has its samples on a named main-thread track", "[timeline][cpu]") {
    Log log = sampled_run();
    log.threads.clear();
    std::string out = inspect(trace_of(log));
    INFO(out);
    CHECK(out.rfind("4 150 150 3 ", 0) == 0);
}

TEST_CASE("trace: without CPU samples, no stackFrames, samples or metadata", "[timeline][cpu]") {
    std::string json = trace_of(fixtures::two_then_one());
    CHECK(json.find("stackFrames") == std::string::npos);
    CHECK(json.find("\"samples\"") == std::string::npos);
    CHECK(json.find("metadata") == std::string::npos);
}
