// The contended waits' exports on hand-built logs: the folded stacks of the
// off-CPU flame graph (weights the exact WaitSite totals, the object as the
// innermost pseudo-frame), the pprof profiles read back from their protobuf
// bytes (Go's contentions/delay types, waiters and lock holders), and the
// wait slices of the Chrome trace read back as a viewer reads them.
#include <catch2/catch.hpp>

#include <sstream>

#include "../../analyzer/views/flame.h"
#include "../../analyzer/views/pprof.h"
#include "thread_fixtures.h"
#include "trace_reader.h"

using namespace analyzer;
using fixtures::kMs;
using shimlog::WaitKind;

namespace {

// Two wait sites (0x1101 and 0x1181, both called from 0x2200) and a release
// site (0x1201): a mutex waited for at both, a condition and a join at one.
Log waits_log() {
    Log log;
    log.process.exe = "/bin/prog";
    log.modules.push_back({0x1000, 0x3000, 0x1000, "/bin/prog", ""});
    log.stacks[1] = {0x1101, 0x2200};
    log.stacks[2] = {0x1181, 0x2200};
    log.stacks[3] = {0x1201, 0x2200};
    log.waits.sites = {
        {0x601040, WaitKind::Mutex, 1, 3, 0, 1500000, 1000000, 2},
        {0x601040, WaitKind::Mutex, 2, 1, 0, 250000, 250000, 1},
        {0x601080, WaitKind::Condition, 1, 2, 1, 4000000, 3000000, 1},
        {7, WaitKind::Join, 2, 1, 0, 9000000, 9000000, 1},
        {0x6010c0, WaitKind::Semaphore, 2, 0, 0, 0, 0, 0},  // nothing blocked: nothing drawn
    };
    log.waits.holders = {{0x601040, 3, 4, 1750000, 0, 0, 0}};
    return log;
}

std::string folded(const Log& log) {
    Symbolizer symbols({});
    std::ostringstream out;
    write_folded(flame_stacks(log, AllocReport{}, symbols, FlameWeight::WaitNs), out);
    return out.str();
}

// profile.proto's top-level fields off the wire: varints and length-delimited bytes by field number.
struct WireMessage {
    std::multimap<uint32_t, uint64_t> varints;
    std::multimap<uint32_t, std::string> bytes;
};

bool read_varint(const std::string& in, size_t& pos, uint64_t& value) {
    value = 0;
    for (int shift = 0; shift < 64 && pos < in.size(); shift += 7) {
        uint8_t byte = uint8_t(in[pos++]);
        value |= uint64_t(byte & 0x7f) << shift;
        if (!(byte & 0x80)) return true;
    }
    return false;
}

WireMessage parse(const std::string& in) {
    WireMessage m;
    size_t pos = 0;
    while (pos < in.size()) {
        uint64_t key = 0, value = 0;
        REQUIRE(read_varint(in, pos, key));
        REQUIRE(read_varint(in, pos, value));
        if ((key & 7) == 0) {
            m.varints.emplace(uint32_t(key >> 3), value);
        } else {
            REQUIRE((key & 7) == 2);
            REQUIRE(pos + value <= in.size());
            m.bytes.emplace(uint32_t(key >> 3), in.substr(pos, size_t(value)));
            pos += size_t(value);
        }
    }
    return m;
}

std::vector<uint64_t> packed(const std::string& in) {
    std::vector<uint64_t> out;
    size_t pos = 0;
    uint64_t v;
    while (pos < in.size() && read_varint(in, pos, v)) out.push_back(v);
    return out;
}

// What pprof reads of a profile: its types, period, default, and per sample
// its values and the name of each location's function, leaf first.
struct ReadBack {
    std::vector<std::pair<std::string, std::string>> types;
    std::pair<std::string, std::string> period_type;
    uint64_t period = 0;
    std::string default_type;
    std::vector<std::vector<uint64_t>> values;
    std::vector<std::vector<std::string>> frames;
    std::vector<std::vector<std::pair<std::string, std::string>>> labels;
};

ReadBack read_back(const PprofProfile& p) {
    WireMessage m = parse(encode_pprof(p));
    std::vector<std::string> strings;
    for (auto r = m.bytes.equal_range(6); r.first != r.second; ++r.first) strings.push_back(r.first->second);
    auto str = [&](uint64_t i) { return i < strings.size() ? strings[size_t(i)] : std::string("?"); };
    auto value_type = [&](const std::string& bytes) {
        WireMessage vt = parse(bytes);
        return std::make_pair(str(vt.varints.find(1)->second), str(vt.varints.find(2)->second));
    };
    ReadBack out;
    for (auto r = m.bytes.equal_range(1); r.first != r.second; ++r.first) out.types.push_back(value_type(r.first->second));
    REQUIRE(m.bytes.count(11) == 1);
    out.period_type = value_type(m.bytes.find(11)->second);
    REQUIRE(m.varints.count(12) == 1);
    out.period = m.varints.find(12)->second;
    REQUIRE(m.varints.count(14) == 1);
    out.default_type = str(m.varints.find(14)->second);

    std::map<uint64_t, std::string> function_names;  // Function {id = 1, name = 2}
    for (auto r = m.bytes.equal_range(5); r.first != r.second; ++r.first) {
        WireMessage f = parse(r.first->second);
        function_names[f.varints.find(1)->second] = str(f.varints.find(2)->second);
    }
    std::map<uint64_t, std::string> location_names;  // Location {id = 1, line = 4 {function_id = 1}}
    for (auto r = m.bytes.equal_range(4); r.first != r.second; ++r.first) {
        WireMessage loc = parse(r.first->second);
        REQUIRE(loc.bytes.count(4) >= 1);
        WireMessage line = parse(loc.bytes.find(4)->second);
        location_names[loc.varints.find(1)->second] = function_names[line.varints.find(1)->second];
    }
    for (auto r = m.bytes.equal_range(2); r.first != r.second; ++r.first) {  // Sample {location_id = 1, value = 2, label = 3}
        WireMessage sample = parse(r.first->second);
        REQUIRE(sample.bytes.count(1) == 1);
        REQUIRE(sample.bytes.count(2) == 1);
        std::vector<std::string> names;
        for (uint64_t id : packed(sample.bytes.find(1)->second)) names.push_back(location_names[id]);
        out.frames.push_back(names);
        out.values.push_back(packed(sample.bytes.find(2)->second));
        std::vector<std::pair<std::string, std::string>> labels;
        for (auto l = sample.bytes.equal_range(3); l.first != l.second; ++l.first) {
            WireMessage label = parse(l.first->second);  // Label {key = 1, str = 2}
            std::string key = str(label.varints.find(1)->second);
            // Every sample's process labels: test_profile_ingest.cpp checks them.
            if (key == "pid" || key == "command" || key == "window") continue;
            labels.emplace_back(key, str(label.varints.find(2)->second));
        }
        out.labels.push_back(labels);
    }
    return out;
}

}  // namespace

TEST_CASE("flame: wait sites weighted by the time blocked, the object innermost", "[waits][flame]") {
    CHECK(folded(waits_log()) ==
          "0x2200;0x1101;[condition variable first waited for at 0x1101] 4000000\n"
          "0x2200;0x1101;[mutex first waited for at 0x1101] 1500000\n"
          "0x2200;0x1181;[join thread 7] 9000000\n"
          "0x2200;0x1181;[mutex first waited for at 0x1101] 250000\n");
}

TEST_CASE("flame: no wait records, no stacks", "[waits][flame]") {
    Log log = waits_log();
    log.waits = Waits{};
    CHECK(folded(log).empty());
}

TEST_CASE("pprof: the waiters as Go's block profile, contentions and delay per site and object", "[waits][pprof]") {
    Log log = waits_log();
    Symbolizer symbols({});
    ReadBack r = read_back(build_pprof(log, AllocReport{}, symbols, PprofWhat::Waits));
    using Pairs = std::vector<std::pair<std::string, std::string>>;
    CHECK(r.types == Pairs{{"contentions", "count"}, {"delay", "nanoseconds"}});
    CHECK(r.period_type == std::make_pair(std::string("contentions"), std::string("count")));
    CHECK(r.period == 1);
    CHECK(r.default_type == "delay");
    CHECK(r.values == std::vector<std::vector<uint64_t>>{{3, 1500000}, {1, 250000}, {2, 4000000}, {1, 9000000}});
    // One mutex, one name: the site it cost most at (0x1101) names it at both sites.
    CHECK(r.frames == std::vector<std::vector<std::string>>{{"[mutex first waited for at 0x1101]", "0x1101", "0x2200"},
                                                            {"[mutex first waited for at 0x1101]", "0x1181", "0x2200"},
                                                            {"[condition variable first waited for at 0x1101]", "0x1101", "0x2200"},
                                                            {"[join thread 7]", "0x1181", "0x2200"}});
    CHECK(r.labels[2] == Pairs{{"kind", "condition"},
                               {"object", "condition variable first waited for at 0x1101"},
                               {"address", "0x601080"}});
    CHECK(r.labels[3] == Pairs{{"kind", "join"}, {"object", "join thread 7"}, {"address", "tid 7"}});
}

TEST_CASE("pprof: the lock holders as Go's mutex profile, the delay at the release site", "[waits][pprof]") {
    Log log = waits_log();
    Symbolizer symbols({});
    ReadBack r = read_back(build_pprof(log, AllocReport{}, symbols, PprofWhat::LockHolders));
    CHECK(r.types == std::vector<std::pair<std::string, std::string>>{{"contentions", "count"}, {"delay", "nanoseconds"}});
    CHECK(r.default_type == "delay");
    CHECK(r.values == std::vector<std::vector<uint64_t>>{{4, 1750000}});
    CHECK(r.frames == std::vector<std::vector<std::string>>{{"[mutex first waited for at 0x1101]", "0x1201", "0x2200"}});
}

namespace {

// Python reads the trace back; per wait slice, after checking it sits on the
// track of its thread's slice and inside it (or on its own named track when
// the thread has no record), it prints "name ts_ms dur_ms site timed_out".
std::string wait_slices(const std::string& json) {
    return trace_reader::python_on(
        "import json,sys\n"
        "d=json.load(open(sys.argv[1]))\n"
        "ev=d['traceEvents']\n"
        "named={e['tid'] for e in ev if e['ph']=='M' and e['name']=='thread_name'}\n"
        "threads={e['args']['tid']:e for e in ev if e['ph']=='X' and e.get('cat')!='wait' and 'ended' in e.get('args',{})}\n"
        "for w in sorted((e for e in ev if e.get('cat')=='wait'), key=lambda e:(e['ts'],e['args']['tid'])):\n"
        "  t=threads.get(w['args']['tid'])\n"
        "  assert w['ph']=='X' and w['tid'] in named, 'a wait on an unnamed track'\n"
        "  if t: assert w['tid']==t['tid'] and t['ts']<=w['ts'] and w['ts']+w['dur']<=t['ts']+t['dur']+1e-6, 'not in its thread'\n"
        "  else: assert w['tid']==w['args']['tid'], 'a thread with no record not on its own track'\n"
        "  assert abs(w['args']['wait_us']-w['dur'])<1e-6\n"
        "  print(w['name'], round(w['ts']/1e3,3), round(w['dur']/1e3,3), w['args']['site'], w['args'].get('timed_out',False))\n",
        json);
}

// fixtures::two_then_one (threads 2 and 3 for 0.5 s, the main thread 1 for
// 1 s) with waits: 2 and 3 on a mutex, 1 joining 2, and thread 9, which has
// no record, on a condition.
Log waited_run() {
    Log log = fixtures::two_then_one();
    log.process.pid = 1;
    log.stacks[1] = {0x1101, 0x2200};
    log.waits.events = {
        {2, 100 * kMs, 50 * kMs, 1, 0x601040, WaitKind::Mutex, false},
        {3, 120 * kMs, 30 * kMs, 1, 0x601040, WaitKind::Mutex, true},
        {1, 400 * kMs, 100 * kMs, 1, 2, WaitKind::Join, false},
        {9, 700 * kMs, 5 * kMs, 1, 0x601080, WaitKind::Condition, false},
    };
    return log;
}

}  // namespace

TEST_CASE("trace: each wait a slice on its thread's track, its length and site in the args", "[waits][timeline]") {
    std::vector<std::string> notes;
    std::string out = wait_slices(trace_reader::trace_of(waited_run(), {}, &notes));
    CHECK(out ==
          "mutex first waited for at 0x1101 100.0 50.0 0x1101 False\n"
          "mutex first waited for at 0x1101 120.0 30.0 0x1101 True\n"
          "join thread 0x1000 (tid 2) 400.0 100.0 0x1101 False\n"
          "condition variable first waited for at 0x1101 700.0 5.0 0x1101 False\n");
    CHECK(notes.empty());
}

TEST_CASE("trace: over the cap, the longest waits kept, and the user told", "[waits][timeline]") {
    TimelineOptions options;
    options.waits.max_waits = 2;
    std::vector<std::string> notes;
    std::string out = wait_slices(trace_reader::trace_of(waited_run(), options, &notes));
    CHECK(out == "mutex first waited for at 0x1101 100.0 50.0 0x1101 False\n"
                 "join thread 0x1000 (tid 2) 400.0 100.0 0x1101 False\n");
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].find("the 2 longest of 4 waits") != std::string::npos);
}

TEST_CASE("trace: no clock calibration, no wait slices, and a note", "[waits][timeline]") {
    Log log = waited_run();
    log.ticks_calibrated = false;
    std::vector<std::string> notes;
    std::string json = trace_reader::trace_of(log, {}, &notes);
    CHECK(json.find("\"cat\":\"wait\"") == std::string::npos);
    CHECK(std::find_if(notes.begin(), notes.end(), [](const std::string& n) {
              return n.find("waits left out of the trace") != std::string::npos;
          }) != notes.end());
}

TEST_CASE("flame and pprof: a lost stack, an rwlock waited both ways, a holder with no wait site", "[waits][flame][pprof]") {
    Log log = waits_log();
    log.waits.sites = {
        {0x601100, WaitKind::RwRead, 2, 2, 0, 300000, 200000, 2},
        {0x601100, WaitKind::RwWrite, 1, 1, 0, 700000, 700000, 1},  // the costlier site names the lock
        {0x601140, WaitKind::Barrier, 42, 1, 0, 5000, 5000, 1},     // stack 42 is not in the log
    };
    log.waits.holders = {{0x601180, 3, 2, 90000, 0, 0, 0}};  // a mutex no wait site of the log names
    CHECK(folded(log) ==
          "0x2200;0x1101;[rwlock first waited for at 0x1101] 700000\n"
          "0x2200;0x1181;[rwlock first waited for at 0x1101] 300000\n"
          "[stack 42 not in the log];[barrier at 0x601140] 5000\n");
    Symbolizer symbols({});
    ReadBack holders = read_back(build_pprof(log, AllocReport{}, symbols, PprofWhat::LockHolders));
    CHECK(holders.frames == std::vector<std::vector<std::string>>{{"[mutex at 0x601180]", "0x1201", "0x2200"}});
    ReadBack waiters = read_back(build_pprof(log, AllocReport{}, symbols, PprofWhat::Waits));
    REQUIRE(waiters.labels.size() == 3);
    CHECK(waiters.labels[0][0] == std::make_pair(std::string("kind"), std::string("rwlock (read)")));
    CHECK(waiters.labels[1][0] == std::make_pair(std::string("kind"), std::string("rwlock (write)")));
}
