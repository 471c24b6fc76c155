// The CPU profile's exports: the pprof profile read back from its protobuf
// bytes as pprof reads them (sample types, period, default), and the folded
// stacks of the flame graph.
#include <catch2/catch.hpp>

#include <sstream>

#include "../../analyzer/encode/protobuf_wire.h"
#include "../../analyzer/views/flame.h"
#include "../../analyzer/views/pprof.h"

using namespace analyzer;

namespace {

// The top-level fields of a profile.proto message, read off the wire:
// varints by field number, length-delimited ones as bytes.
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
        uint32_t field = uint32_t(key >> 3), type = uint32_t(key & 7);
        REQUIRE(read_varint(in, pos, value));
        if (type == 0) {
            m.varints.emplace(field, value);
        } else {
            REQUIRE(type == 2);
            REQUIRE(pos + value <= in.size());
            m.bytes.emplace(field, in.substr(pos, size_t(value)));
            pos += size_t(value);
        }
    }
    return m;
}

// Packed repeated int64 (a sample's values).
std::vector<int64_t> packed(const std::string& in) {
    std::vector<int64_t> out;
    size_t pos = 0;
    uint64_t v;
    while (pos < in.size() && read_varint(in, pos, v)) out.push_back(int64_t(v));
    return out;
}

Log cpu_log() {
    Log log;
    log.process.exe = "/bin/prog";
    log.modules.push_back({0x1000, 0x3000, 0x1000, "/bin/prog", ""});
    log.stacks[1] = {0x1101, 0x2200};  // the interrupted pc + 1, then its caller
    log.stacks[2] = {0x1181, 0x2200};
    log.cpu.period_ns = 10000000;
    log.cpu.batches = 1;
    log.cpu.samples = {{8, 100, 1, 10000000}, {8, 200, 1, 30000000}, {8, 300, 2, 10000000}};
    return log;
}

}  // namespace

TEST_CASE("pprof: the CPU profile reads like a Go CPU profile", "[pprof][cpu]") {
    Log log = cpu_log();
    Symbolizer symbols({});
    PprofProfile p = build_pprof(log, AllocReport{}, symbols, PprofWhat::Cpu);
    WireMessage m = parse(encode_pprof(p));
    std::vector<std::string> strings;
    for (auto range = m.bytes.equal_range(6); range.first != range.second; ++range.first)
        strings.push_back(range.first->second);
    REQUIRE(strings.size() > 4);
    CHECK(strings[0].empty());
    auto string_at = [&](uint64_t i) { return i < strings.size() ? strings[size_t(i)] : "?"; };

    std::vector<std::pair<std::string, std::string>> types;  // field 1: ValueType {type = 1, unit = 2}
    for (auto range = m.bytes.equal_range(1); range.first != range.second; ++range.first) {
        WireMessage vt = parse(range.first->second);
        types.emplace_back(string_at(vt.varints.find(1)->second), string_at(vt.varints.find(2)->second));
    }
    CHECK(types == std::vector<std::pair<std::string, std::string>>{{"samples", "count"}, {"cpu", "nanoseconds"}});

    REQUIRE(m.bytes.count(11) == 1);  // period_type
    WireMessage period_type = parse(m.bytes.find(11)->second);
    CHECK(string_at(period_type.varints.find(1)->second) == "cpu");
    CHECK(string_at(period_type.varints.find(2)->second) == "nanoseconds");
    REQUIRE(m.varints.count(12) == 1);
    CHECK(m.varints.find(12)->second == 10000000);  // period
    REQUIRE(m.varints.count(14) == 1);
    CHECK(string_at(m.varints.find(14)->second) == "cpu");  // default_sample_type

    std::vector<std::vector<int64_t>> values;  // field 2: Sample {location_id = 1, value = 2}
    for (auto range = m.bytes.equal_range(2); range.first != range.second; ++range.first) {
        WireMessage sample = parse(range.first->second);
        REQUIRE(sample.bytes.count(2) == 1);
        values.push_back(packed(sample.bytes.find(2)->second));
    }
    // Per stack: the second sample of stack 1 stood for 3 expiries.
    CHECK(values == std::vector<std::vector<int64_t>>{{4, 40000000}, {1, 10000000}});
}

TEST_CASE("pprof: the CPU profile's leaf location is inside the interrupted instruction", "[pprof][cpu]") {
    Log log = cpu_log();
    Symbolizer symbols({});
    PprofProfile p = build_pprof(log, AllocReport{}, symbols, PprofWhat::Cpu);
    REQUIRE(!p.samples.empty());
    CHECK(p.locations[p.samples[0].location_ids[0] - 1].address == 0x1100);
}

TEST_CASE("flame: CPU samples fold by stack, weighted by expiries", "[flame][cpu]") {
    Log log = cpu_log();
    log.cpu.samples.push_back({9, 400, 0, 10000000});  // no stack
    Symbolizer symbols({});
    std::vector<FoldedStack> stacks = flame_stacks(log, AllocReport{}, symbols, FlameWeight::CpuSamples);
    std::ostringstream out;
    write_folded(stacks, out);
    CHECK(out.str() == "0x2200;0x1101 4\n0x2200;0x1181 1\n[no stack] 1\n");
}
