// Reachability of the blocks live at exit, from a built log's exit scan
// (analyzer/analysis/reachability.h), and how the leak rule and the report use it.
#include <catch2/catch.hpp>

#include <sstream>

#include "../../analyzer/pipeline.h"
#include "../../analyzer/analysis/alloc_sites.h"
#include "../../analyzer/decode/decode.h"
#include "../../analyzer/findings/rules.h"
#include "../../analyzer/views/report.h"
#include "log_builder.h"

using namespace analyzer;
using shimlog::ExitScanRegion;
using shimlog::ExitScanRegionKind;
using testlog::AllocEvents;
using testlog::LogBuilder;

namespace {

ExitScanRegion region(uint64_t start, uint64_t end, ExitScanRegionKind kind) {
    ExitScanRegion r{};
    r.start = start;
    r.end = end;
    r.kind = static_cast<uint8_t>(kind);
    return r;
}

// Blocks of 0x100 bytes; stack ids: 1 reachable (A, B), 2 possibly lost (C,
// D), 3 lost (E, F, G), 4 reachable from anonymous memory (H) and the stack (I).
//   A 0x100000  <- module data, at its start
//   B 0x100100  <- A, at its start
//   C 0x100200  <- module data, into its middle only
//   D 0x100300  <- C, at its start
//   E 0x100400  <- nothing
//   F 0x100500  <- E only
//   G 0x100600  <- only from brk memory outside any live block (freed memory)
//   H 0x800000  <- an anonymous mapping that holds no block (a thread's stack)
//   I 0x800100  <- the exiting thread's stack
//   J 0x800200     freed before exit: pointers to it count for nothing
std::string scanned_log(uint32_t flags = 0, bool with_scan = true) {
    AllocEvents e(1);
    uint64_t seq = 1;
    const uint32_t stacks[] = {1, 1, 2, 2, 3, 3, 3};
    for (int i = 0; i < 7; ++i) e.alloc(seq++, stacks[i], 0x100, 0x100000 + 0x100 * uint64_t(i));
    e.alloc(8, 4, 0x100, 0x800000).alloc(9, 4, 0x100, 0x800100).alloc(10, 5, 0x100, 0x800200);
    e.free(11, 0x800200);
    LogBuilder b;
    b.process(1, "/bin/scanned", "");
    for (uint32_t id = 1; id <= 5; ++id) b.stack(id, {0x1000 * id});
    b.alloc_chunk(1, e, true);
    if (with_scan)
        b.exit_scan({region(0x10000, 0x11000, ExitScanRegionKind::ModuleData),
                     region(0x100000, 0x200000, ExitScanRegionKind::Brk),
                     region(0x700000, 0x710000, ExitScanRegionKind::Anonymous),
                     region(0x7f0000, 0x7f1000, ExitScanRegionKind::Stack),
                     region(0x800000, 0x900000, ExitScanRegionKind::Anonymous)},
                    {{0x10000, 0x100000},
                     {0x10008, 0x100210},
                     {0x100008, 0x100100},
                     {0x100200, 0x100300},
                     {0x100400, 0x100500},
                     {0x100f00, 0x100600},
                     {0x100f08, 0x100f00},  // into no block: nothing
                     {0x700010, 0x800000},
                     {0x700018, 0x800200},  // J, freed
                     {0x7f0008, 0x800100}},
                    flags);
    return b.end(2000, 7000, 0).bytes();
}

}  // namespace

TEST_CASE("reachability: start pointers from roots, interior pointers, lost chains", "[reachability][alloc]") {
    Log log = decode_log(scanned_log(), "scanned");
    REQUIRE_FALSE(log.partial);
    REQUIRE(log.exit_scan.finished);
    AllocReport allocs = analyze_allocations(log);
    const Reachability& r = allocs.reach;
    REQUIRE(r.decided);
    CHECK(r.reachable == 4);  // A, B, H, I
    CHECK(r.reachable_bytes == 0x400);
    CHECK(r.possibly_lost == 2);  // C, D
    CHECK(r.lost == 3);           // E, F, G
    CHECK(r.lost_bytes == 0x300);
    CHECK(r.stacks.at(3).lost == 3);
    CHECK(r.stacks.at(2).possibly_lost == 2);
    CHECK(r.stacks.count(1) == 0);
    CHECK(r.stacks.count(4) == 0);
    CHECK(r.root_pointers == 4);  // to A, C, H, I (J is not live; the freed memory is no root)
}

TEST_CASE("leak rule: only lost memory is a finding once the exit scan decided", "[reachability][rules]") {
    Log log = decode_log(scanned_log(), "scanned");
    Symbolizer symbols({});
    CallSites sites(log, symbols);
    AllocReport allocs = analyze_allocations(log);
    Thresholds limits;
    limits.leak_min_bytes = 0x100;
    Analysis analysis = analyze_with_limits(log, sites, allocs, limits);
    std::vector<Finding> found = find_leaks({log, analysis, sites, limits});
    REQUIRE(found.size() == 1);  // stack 3; the reachable and the possibly lost are not leaks
    CHECK(found[0].site == "0x3000");
    CHECK(found[0].figures.at("leaked_bytes") == 0x300);
    CHECK(found[0].figures.at("lost_bytes") == 0x300);
    CHECK(found[0].title == "Leak: 768 B in 3 allocations lost (no pointer to them left at exit), from 0x3000");

    ReportInput input{log, found, sites, 10, analysis};
    std::ostringstream text;
    write_text_report(input, text);
    CHECK(text.str().find("still reachable at exit: 4 allocations, 1 KiB (kept until exit on purpose, the OS frees it)") !=
          std::string::npos);
    CHECK(text.str().find("possibly lost: 2 allocations, 512 B") != std::string::npos);
    CHECK(text.str().find("lost: 3 allocations, 768 B (no pointer to them was found)") != std::string::npos);
}

TEST_CASE("leak rule: undecided without a usable exit scan, and says why", "[reachability][rules]") {
    Thresholds limits;
    limits.leak_min_bytes = 0x100;
    auto leak_findings = [&](const std::string& bytes) {
        Log log = decode_log(bytes, "scanned");
        Symbolizer symbols({});
        CallSites sites(log, symbols);
        Analysis analysis = analyze_with_limits(log, sites, analyze_allocations(log), limits);
        return find_leaks({log, analysis, sites, limits});
    };
    auto undecided = [](const std::vector<Finding>& found, const std::string& why) {
        REQUIRE(!found.empty());
        for (const Finding& f : found) {
            CHECK(f.title.rfind("Possible leak: ", 0) == 0);
            REQUIRE(f.evidence.size() >= 2);
            CHECK(f.evidence[1].find("reachable (kept until exit on purpose, which is not a leak) or lost cannot be told: " +
                                     why) != std::string::npos);
        }
    };
    SECTION("an older shim's log") {
        undecided(leak_findings(scanned_log(0, false)), "the log has no exit scan");
    }
    SECTION("a scan stopped at its budget") {
        undecided(leak_findings(scanned_log(shimlog::kExitScanBudgetPairs)), "the exit scan stopped at its budget");
    }
    SECTION("sampling mode: the shim does not scan") {
        AllocEvents e(1);
        e.alloc(1, 1, 1 << 20, 0x100000).alloc(2, 1, 1 << 20, 0x200000);
        shimlog::AllocCountsRecord counts{};
        counts.sample_bytes = 4096;
        counts.entries = 1;
        shimlog::AllocCountEntry entry{};
        entry.stack_id = 1;
        entry.allocations = 2;
        entry.bytes = 2 << 20;
        LogBuilder b;
        b.process(1, "/bin/sampled", "").stack(1, {0x1000}).alloc_chunk(1, e, true);
        b.record(shimlog::RecordType::AllocCounts, counts, std::string(reinterpret_cast<const char*>(&entry), sizeof entry));
        undecided(leak_findings(b.end(2000, 7000, 0).bytes()), "in sampling mode (SHIM_ALLOC_SAMPLE)");
    }
}

TEST_CASE("decode: exit scan records are bounded and checked", "[reachability][decode]") {
    auto partial_reason = [](const std::string& tail) {
        LogBuilder b;
        b.process(1, "/bin/x", "").raw(tail);
        return decode_log(b.bytes(), "bad").partial_reason;
    };
    auto record = [](shimlog::ExitScanPart part, uint32_t count, uint32_t raw_size, const std::string& body) {
        shimlog::ExitScanRecord rec{};
        rec.part = static_cast<uint8_t>(part);
        rec.count = count;
        rec.raw_size = raw_size;
        return LogBuilder().record(shimlog::RecordType::ExitScan, rec, body).bytes().substr(sizeof(shimlog::FileHeader));
    };
    ExitScanRegion r = region(0x2000, 0x1000, ExitScanRegionKind::Brk);  // end before start
    std::string one(reinterpret_cast<const char*>(&r), sizeof r);
    CHECK(partial_reason(record(shimlog::ExitScanPart::Regions, 2, sizeof r, one)).find("does not match their count") !=
          std::string::npos);
    CHECK(partial_reason(record(shimlog::ExitScanPart::Regions, 1, sizeof r, one)).find("out of order") !=
          std::string::npos);
    CHECK(partial_reason(record(shimlog::ExitScanPart::Pairs, 1, 2, "ab")).find("outside a scan") != std::string::npos);
    CHECK(partial_reason(record(shimlog::ExitScanPart::Regions, 0, 0, "") +
                         record(shimlog::ExitScanPart::Pairs, 100, 10, std::string(10, 'x')))
              .find("more than fit") != std::string::npos);
    CHECK(partial_reason(record(shimlog::ExitScanPart::Regions, 0, 1u << 30, "")).find("over the size limit") !=
          std::string::npos);
    CHECK(partial_reason(record(shimlog::ExitScanPart::Summary, 1, 0, "")).find("outside a scan") != std::string::npos);
    CHECK(partial_reason(record(shimlog::ExitScanPart(9), 0, 0, "")).find("unknown part") != std::string::npos);
}

TEST_CASE("reachability: pairs cut short leave the blocks undecided", "[reachability][decode]") {
    // A Pairs record claiming two pairs whose body holds one.
    std::string log_bytes = scanned_log(0, false);
    std::string end_record = log_bytes.substr(log_bytes.size() - sizeof(shimlog::RecordHeader) - sizeof(shimlog::EndRecord));
    log_bytes.resize(log_bytes.size() - end_record.size());
    LogBuilder scan;
    scan.exit_scan({region(0x10000, 0x11000, ExitScanRegionKind::ModuleData)}, {{0x10000, 0x100000}}, 0, false);
    std::string records = scan.bytes().substr(sizeof(shimlog::FileHeader));
    // The Pairs record is the second: bump its count from 1 to 2.
    size_t pairs_at = sizeof(shimlog::RecordHeader) + sizeof(shimlog::ExitScanRecord) + sizeof(ExitScanRegion);
    records[pairs_at + sizeof(shimlog::RecordHeader) + offsetof(shimlog::ExitScanRecord, count)] = 2;
    Log log = decode_log(log_bytes + records + end_record, "cut");
    REQUIRE_FALSE(log.partial);
    AllocReport allocs = analyze_allocations(log);
    CHECK_FALSE(allocs.reach.decided);
    CHECK(allocs.reach.undecided == "an exit scan record ends inside a pair");
}
