// The disk budget's Budget record (SHIM_MAX_LOG_MB) in a hand-made log: a
// log exact first and sampled after the switch, then stopped. Decoding,
// the replay's exact counts, the report's words and the findings' bounds.
#include <catch2/catch.hpp>

#include <sstream>

#include "../../analyzer/analysis/alloc_analysis.h"
#include "../../analyzer/analysis/budget_words.h"
#include "../../analyzer/decode/decode.h"
#include "../../analyzer/findings/budget_bounds.h"
#include "../../analyzer/pipeline.h"
#include "../../analyzer/views/report.h"
#include "log_builder.h"

using analyzer::decode_log;
using testlog::AllocEvents;
using testlog::LogBuilder;

namespace {

constexpr uint64_t kStartNs = 1000;  // LogBuilder::process
constexpr uint64_t kMs = 1000000;

shimlog::BudgetRecord budget_record() {
    shimlog::BudgetRecord r{};
    r.limit_bytes = 1 << 20;
    r.sampling_bytes = 768 * 1024;
    r.sampling_ns = kStartNs + 500 * kMs;
    r.sampling_seq = 5;
    r.stopped_bytes = 1016 * 1024;
    r.stopped_ns = kStartNs + 900 * kMs;
    r.alloc_events_unwritten = 1234;
    r.records_unwritten = 3;
    r.bytes_unwritten = 40000;
    r.alloc_exact_unwritten = 56;
    return r;
}

// Exact events 1-4 (0x3000 allocated before the switch is freed after it,
// unrecorded), then a sampled block of 1000 bytes standing for 4 of 4096
// bytes in all; AllocCounts counts from the switch on.
std::string budget_log(bool with_budget) {
    AllocEvents e(1);
    e.alloc(1, 1, 100, 0x1000).free(2, 0x1000).alloc(3, 1, 100, 0x2000).alloc(4, 2, 50, 0x3000);
    e.alloc(5, 1, 1000, 0x4000).free(6, 0x4000);
    shimlog::AllocCountsRecord counts{};
    counts.sample_bytes = 4096;
    counts.frees = 10;
    counts.entries = 2;
    shimlog::AllocCountEntry entries[2] = {{1, 0, 20, 20000}, {2, 0, 3, 150}};
    LogBuilder b;
    b.process(7, "/bin/prog", std::string("prog\0", 5)).stack(1, {0x1000}).stack(2, {0x1100});
    b.alloc_chunk(100, e, true);
    b.record(shimlog::RecordType::AllocCounts, counts, std::string(reinterpret_cast<const char*>(entries), sizeof entries));
    if (with_budget) b.record(shimlog::RecordType::Budget, budget_record());
    return b.end(kStartNs + 1000 * kMs, 5000 + 2000 * kMs, 0).bytes();
}

}  // namespace

TEST_CASE("budget: the record is decoded; a log without one has no budget", "[budget][decode]") {
    analyzer::Log log = decode_log(budget_log(true), "budget");
    CHECK_FALSE(log.partial);
    const analyzer::BudgetInfo& b = log.budget;
    REQUIRE(b.present);
    CHECK(b.limit_bytes == 1 << 20);
    CHECK(b.sampled());
    CHECK(b.stopped());
    CHECK(b.sampling_seq == 5);
    CHECK(b.alloc_events_unwritten == 1234);
    CHECK(b.records_unwritten == 3);
    CHECK(b.bytes_unwritten == 40000);
    CHECK(b.alloc_exact_unwritten == 56);
    CHECK(analyzer::budget_seconds(log, b.stopped_ns) == Approx(0.9));

    analyzer::Log old = decode_log(budget_log(false), "old");
    CHECK_FALSE(old.partial);
    CHECK_FALSE(old.budget.present);
    CHECK(analyzer::budget_summary(old).empty());
    CHECK(analyzer::budget_cell(old).empty());
}

TEST_CASE("budget: a short or empty Budget record makes the log partial there", "[budget][decode]") {
    shimlog::BudgetRecord whole = budget_record();
    std::string cut(reinterpret_cast<const char*>(&whole), sizeof whole - 1);
    for (const std::string& payload : {cut, std::string()}) {
        shimlog::RecordHeader h{uint16_t(shimlog::RecordType::Budget), 0, uint32_t(payload.size())};
        LogBuilder b;
        b.process(1, "/bin/x", "").raw(std::string(reinterpret_cast<const char*>(&h), sizeof h) + payload);
        analyzer::Log log = decode_log(b.bytes(), "cut");
        CHECK(log.partial);
        CHECK(log.partial_reason.find("malformed record (type 22)") != std::string::npos);
        CHECK_FALSE(log.budget.present);
    }
    shimlog::BudgetRecord no_limit{};  // a budget of 0 is none: not written by the shim
    LogBuilder b;
    b.process(1, "/bin/x", "").record(shimlog::RecordType::Budget, no_limit);
    CHECK(decode_log(b.bytes(), "zero").partial);
}

TEST_CASE("budget: exact events before the switch plus the counts after it", "[budget][alloc]") {
    analyzer::Log log = decode_log(budget_log(true), "budget");
    analyzer::AllocReport r = analyzer::analyze_allocations(log);
    CHECK(r.sampled());
    CHECK(r.sample_bytes == 4096);
    CHECK(r.allocations == 3 + 23);         // 3 exact events, 23 counted after the switch
    CHECK(r.bytes == 250 + 20150);
    CHECK(r.frees == 1 + 10);               // 1 exact free event, 10 counted
    CHECK(r.stacks[1].allocations == 2 + 20);
    CHECK(r.stacks[2].allocations == 1 + 3);
    // Exact blocks weigh 1 each; the sample 4 blocks of 4096 bytes in all.
    CHECK(r.peak_bytes == 100 + 50 + 4096);
    CHECK(r.lost_frees == 0);
}

TEST_CASE("budget: the reports say when sampling began and recording stopped", "[budget][views]") {
    analyzer::Log log = decode_log(budget_log(true), "budget");
    CHECK(analyzer::budget_summary(log) ==
          "disk budget 1 MiB (SHIM_MAX_LOG_MB): allocations sampled from 768 KiB of log (at 500 ms), "
          "recording stopped at 1016 KiB (at 900 ms)");
    CHECK(analyzer::budget_cell(log) == "sampled at 500 ms, stopped at 900 ms");
    analyzer::Progress none(0);
    std::unique_ptr<analyzer::RunAnalysis> run = analyzer::analyze_log(std::move(log), analyzer::Thresholds{}, none);
    analyzer::ReportInput input{run->log, run->findings, *run->sites, 10, run->analysis};
    std::ostringstream text, json, html;
    analyzer::write_text_report(input, text);
    analyzer::write_json_report(input, json);
    analyzer::write_html_report(input, html);
    std::string header = text.str().substr(0, text.str().find("\nFindings"));
    CHECK(header.find("Budget:   disk budget 1 MiB (SHIM_MAX_LOG_MB): allocations sampled from 768 KiB") != std::string::npos);
    CHECK(header.find("Warning:  after 500 ms allocations are a sample") != std::string::npos);
    CHECK(header.find("Warning:  after 900 ms only counts were kept (allocations per site, I/O, waits, threads): "
                      "1,234 allocation events and 3 event records (39.1 KiB) were not written") != std::string::npos);
    CHECK(header.find("; allocation counts may fall short by up to 56 events recorded before sampling began") !=
          std::string::npos);
    CHECK(json.str().find("\"budget\":{\"limit_bytes\":1048576,\"sampled\":true,\"sampling_log_bytes\":786432") !=
          std::string::npos);
    CHECK(json.str().find("\"alloc_events_unwritten\":1234") != std::string::npos);
    CHECK(html.str().find("The log had a disk budget 1 MiB") != std::string::npos);
}

TEST_CASE("budget: findings from events are lower bounds after the stop", "[budget][findings]") {
    analyzer::Log log = decode_log(budget_log(true), "budget");
    std::vector<analyzer::Finding> findings(3);
    findings[0].kind = "cpu-hotspot";
    findings[1].kind = "alloc-hotspot";
    findings[2].kind = "unbuffered-io";  // exact counters: untouched
    analyzer::mark_budget_bounds(findings, log);
    CHECK(findings[0].cost_at_least);
    REQUIRE(findings[0].evidence.size() == 1);
    CHECK(findings[0].evidence[0] == "the disk budget stopped recording events at 900 ms: measured up to then only, a lower bound");
    CHECK_FALSE(findings[1].cost_at_least);
    REQUIRE(findings[1].evidence.size() == 1);
    CHECK(findings[1].evidence[0].find("sampled allocations from 500 ms") != std::string::npos);
    CHECK(findings[2].evidence.empty());
    CHECK_FALSE(findings[2].cost_at_least);
}
