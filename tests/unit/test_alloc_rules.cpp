// The allocation rules and the report's allocation section, on small logs.
#include <catch2/catch.hpp>

#include <sstream>

#include "../../analyzer/pipeline.h"
#include "../../analyzer/analysis/alloc_sites.h"
#include "../../analyzer/decode/decode.h"
#include "../../analyzer/findings/rules.h"
#include "../../analyzer/views/report.h"
#include "log_builder.h"

using namespace analyzer;
using testlog::AllocEvents;
using testlog::LogBuilder;

namespace {

// Stacks 1 and 2 share their site frame 0x1000; stack 3 is elsewhere.
Log model_with_stacks() {
    Log log;
    log.stacks[1] = {0x1000, 0x2000};
    log.stacks[2] = {0x1000, 0x3000};
    log.stacks[3] = {0x4000, 0x2000};
    return log;
}

void add_stack(AllocReport& r, uint32_t id, uint64_t allocations, uint64_t temporary, uint64_t size) {
    AllocStackStats& s = r.stacks[id];
    s.stack_id = id;
    s.allocations = allocations;
    s.temporary = temporary;
    s.bytes = allocations * size;
    s.min_size = s.max_size = size;
    s.sizes[size] = allocations;
    r.allocations += allocations;
    r.temporary += temporary;
    r.bytes += s.bytes;
}

std::vector<Finding> hotspots(const Log& log, const AllocReport& r, Thresholds limits = {}) {
    Symbolizer symbols({});
    CallSites sites(log, symbols);
    Analysis analysis = analyze_with_limits(log, sites, r, limits);
    return find_alloc_hotspots({log, analysis, sites, limits});
}

}  // namespace

TEST_CASE("alloc rule: a site with many temporary allocations is a hot spot", "[alloc][rules]") {
    Log log = model_with_stacks();
    AllocReport r;
    add_stack(r, 1, 200000, 200000, 1);
    add_stack(r, 3, 800000, 0, 48);
    std::vector<Finding> found = hotspots(log, r);
    REQUIRE(found.size() == 1);
    CHECK(found[0].kind == "alloc-hotspot");
    CHECK(found[0].title == "Allocation hot spot: 200,000 allocations of 1 B at 0x1000");
    CHECK(found[0].site == "0x1000");
    CHECK(found[0].figures.at("share_of_allocations") == Approx(0.2));
    CHECK(found[0].figures.at("temporary_share") == 1.0);
    CHECK(found[0].cost_ns > 0);
    bool says_estimate = false;
    for (const std::string& line : found[0].evidence) says_estimate |= line.find("not measured") != std::string::npos;
    CHECK(says_estimate);
}

TEST_CASE("alloc rule: thresholds on count, share and temporariness", "[alloc][rules]") {
    Log log = model_with_stacks();
    AllocReport few;
    add_stack(few, 1, 99999, 99999, 1);
    CHECK(hotspots(log, few).empty());
    Thresholds lower;
    lower.alloc_min_count = 1000;
    CHECK(hotspots(log, few, lower).size() == 1);

    AllocReport small_share;
    add_stack(small_share, 1, 100000, 100000, 1);
    add_stack(small_share, 3, 1000000, 0, 8);
    CHECK(hotspots(log, small_share).empty());  // 9% of all

    AllocReport kept;
    add_stack(kept, 1, 500000, 200000, 16);  // 40% temporary: a pool's job, not a hoist
    CHECK(hotspots(log, kept).empty());
}

TEST_CASE("alloc rule: stacks with the same site frame count as one site", "[alloc][rules]") {
    Log log = model_with_stacks();
    AllocReport r;
    add_stack(r, 1, 60000, 60000, 1);
    add_stack(r, 2, 70000, 70000, 2);
    std::vector<Finding> found = hotspots(log, r);
    REQUIRE(found.size() == 1);
    CHECK(found[0].figures.at("allocations") == 130000);
    CHECK(found[0].stack == std::vector<std::string>{"0x1000", "0x3000"});  // the more frequent stack
    CHECK(found[0].title.find("1 B - 2 B (mostly 2 B)") != std::string::npos);
}

namespace {

// Stack 1 leaks three 1 MiB blocks, stack 3 leaks 100 B, stack 2 frees its block.
std::string leaky_log(bool with_end, shimlog::EndReason reason = shimlog::EndReason::Exit) {
    AllocEvents e(1);
    e.alloc(1, 1, 1 << 20, 0x100000).alloc(2, 1, 1 << 20, 0x200000).alloc(3, 1, 1 << 20, 0x300000);
    e.alloc(4, 3, 100, 0x400000).alloc(5, 2, 64, 0x500000).free(6, 0x500000);
    LogBuilder b;
    b.process(1, "/bin/leaky", "").stack(1, {0x1000, 0x2000}).stack(2, {0x1000, 0x3000}).stack(3, {0x4000});
    b.alloc_chunk(1, e, true);
    if (with_end) {
        shimlog::EndRecord end{};
        end.end_ns = 2000;
        end.end_ticks = 7000;
        end.reason = static_cast<uint8_t>(reason);
        b.record(shimlog::RecordType::End, end);
    }
    return b.bytes();
}

std::vector<Finding> leaks(const std::string& bytes, Thresholds limits = {}) {
    Log log = decode_log(bytes, "leaky");
    Symbolizer symbols({});
    CallSites sites(log, symbols);
    Analysis analysis = analyze_with_limits(log, sites, analyze_allocations(log), limits);
    return find_leaks({log, analysis, sites, limits});
}

}  // namespace

TEST_CASE("leak rule: big unfreed blocks at a normal exit, by site", "[alloc][rules]") {
    std::vector<Finding> found = leaks(leaky_log(true));
    REQUIRE(found.size() == 1);
    CHECK(found[0].kind == "leak");
    CHECK(found[0].site == "0x1000");
    CHECK(found[0].figures.at("leaked_allocations") == 3);
    CHECK(found[0].figures.at("leaked_bytes") == 3 << 20);
    CHECK(found[0].figures.at("allocations") == 4);  // stack 2 shares the site, freed its block
    // No exit scan in this log: held at exit, but reachable or lost is not known.
    CHECK(found[0].title == "Possible leak: 3 MiB in 3 allocations still held at exit, from 0x1000");

    Thresholds tiny;
    tiny.leak_min_bytes = 50;
    CHECK(leaks(leaky_log(true), tiny).size() == 2);
}

TEST_CASE("leak rule: silent when the log cannot tell", "[alloc][rules]") {
    CHECK(leaks(leaky_log(false)).empty());                               // partial: cut short
    CHECK(leaks(leaky_log(true, shimlog::EndReason::Signal)).empty());    // killed: no cleanup ran
    CHECK(leaks(leaky_log(true, shimlog::EndReason::QuickExit)).empty()); // _exit skips destructors
}

TEST_CASE("report: the allocation section and its JSON", "[alloc][views]") {
    Log log = decode_log(leaky_log(true), "leaky");
    Symbolizer symbols({});
    CallSites sites(log, symbols);
    AllocReport allocs = analyze_allocations(log);
    Thresholds limits;
    Analysis analysis = analyze_with_limits(log, sites, allocs, limits);
    std::vector<Finding> findings = find_all({log, analysis, sites, limits});
    ReportInput input{log, findings, sites, 10, analysis};
    std::ostringstream text, json;
    write_text_report(input, text);
    write_json_report(input, json);
    CHECK(text.str().find("\nAllocations (") != std::string::npos);
    CHECK(text.str().find("5 allocations (3.0 MiB), 1 free, in 1 thread") != std::string::npos);
    CHECK(text.str().find("Still allocated at exit: 4 allocations, 3.0 MiB") != std::string::npos);
    CHECK(text.str().find("Top sites by bytes") != std::string::npos);
    CHECK(json.str().find("\"allocations\":{\"present\":true,\"allocations\":5,") != std::string::npos);
    CHECK(json.str().find("\"site\":\"0x1000\",\"stack\":[\"0x1000\",\"0x2000\"],\"stacks\":2,\"allocations\":4") !=
          std::string::npos);

    Log quiet = decode_log(LogBuilder().process(1, "x", "").end(2000, 6000, 0).bytes(), "quiet");
    AllocReport none = analyze_allocations(quiet);
    Analysis quiet_analysis = analyze_with_limits(quiet, sites, none, limits);
    ReportInput empty{quiet, findings, sites, 10, quiet_analysis};
    std::ostringstream quiet_text, quiet_json;
    write_text_report(empty, quiet_text);
    write_json_report(empty, quiet_json);
    CHECK(quiet_text.str().find("Allocations") == std::string::npos);
    CHECK(quiet_json.str().find("\"allocations\":{\"present\":false") != std::string::npos);
}
