// `analyzer diff` of CPU profiles: per function its flat CPU, share and cum in
// both runs, the most changed first; logs without samples diff as before.
#include <catch2/catch.hpp>

#include <sstream>

#include "../../analyzer/decode/decode.h"
#include "../../analyzer/diff/compare.h"
#include "../../analyzer/views/diff.h"
#include "log_builder.h"

using namespace analyzer;
using testlog::LogBuilder;

namespace {

constexpr uint64_t kPeriod = 10000000;  // 10 ms a sample

// Functions by address (no modules): 0x1101 and 0x2201 called from 0x3300.
// `f`, `g`, `h`: each function's samples on thread 8, one expiry each.
std::unique_ptr<RunAnalysis> run(const std::string& path, uint64_t f, uint64_t g, uint64_t h, bool sampled = true) {
    LogBuilder b;
    b.process(7, "/bin/prog", std::string("prog\0", 5));
    b.stack(1, {0x1101, 0x3300});
    b.stack(2, {0x2201, 0x3300});
    b.stack(3, {0x4401, 0x3300});
    std::vector<LogBuilder::CpuSampleEvent> events;
    uint64_t ticks = 6000;
    for (auto [stack, count] : {std::make_pair(1u, f), std::make_pair(2u, g), std::make_pair(3u, h)})
        for (uint64_t i = 0; i < count; ++i) events.push_back({ticks += 10, stack});
    if (sampled) b.cpu_samples(8, kPeriod, events);
    Log log = decode_log(b.end(11000, 15000, 0).bytes(), path);
    Progress quiet(0);
    return analyze_log(std::move(log), Thresholds{}, quiet);
}

RunDiff diff_of(RunAnalysis& before, RunAnalysis& after) {
    return diff_runs(summarize_run(before), summarize_run(after));
}

const SectionChange* section(const RunDiff& diff, const std::string& name) {
    for (const SectionChange& s : diff.sections)
        if (s.name == name) return &s;
    return nullptr;
}

std::string text_of(const RunDiff& diff, size_t top) {
    std::ostringstream out;
    write_text_diff(diff, top, false, out);
    return out.str();
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("CPU diff: per function flat, share and cum, the biggest change first", "[cpu][diff][unit]") {
    auto before = run("a.bin", 8, 2, 0);  // 0x1101 80%, 0x2201 20%
    auto after = run("b.bin", 2, 2, 5);   // 0x1101 2/9, 0x2201 2/9, 0x4401 5/9
    RunDiff diff = diff_of(*before, *after);

    const SectionChange* totals = section(diff, "cpu");
    REQUIRE(totals != nullptr);
    REQUIRE(totals->rows.size() == 3);
    CHECK(totals->rows[0].key == "samples");
    CHECK(totals->rows[0].metrics[0].before == 10);
    CHECK(totals->rows[0].metrics[0].after == 9);
    CHECK(totals->rows[1].metrics[0].before == Approx(0.1));

    const SectionChange* functions = section(diff, "cpu_functions");
    REQUIRE(functions != nullptr);
    REQUIRE(functions->rows.size() == 4);
    // 0x1101 lost 60 ms, 0x4401 gained 50, 0x2201 did not move, 0x3300 ran nothing itself.
    const RowChange& f = functions->rows[0];
    CHECK(f.key == "0x1101");
    REQUIRE(f.metrics.size() == 3);
    CHECK(f.metrics[0].name == "flat");
    CHECK(f.metrics[0].before == Approx(0.08));
    CHECK(f.metrics[0].after == Approx(0.02));
    CHECK(f.metrics[1].name == "share");
    CHECK(f.metrics[1].unit == Unit::Share);
    CHECK(f.metrics[1].before == Approx(0.8));
    CHECK(f.metrics[1].after == Approx(2.0 / 9));
    CHECK(f.metrics[2].name == "cum");
    const RowChange& h = functions->rows[1];
    CHECK(h.key == "0x4401");
    CHECK_FALSE(h.in_before);  // a function only one run ran: zero in the other
    CHECK(h.metrics[0].before == 0);
    CHECK(h.metrics[1].after == Approx(5.0 / 9));
    CHECK(functions->rows[2].key == "0x2201");
    const RowChange& caller = functions->rows[3];
    CHECK(caller.key == "0x3300");
    CHECK(caller.metrics[0].after == 0);
    CHECK(caller.metrics[2].before == Approx(0.1));
    CHECK(caller.metrics[2].after == Approx(0.09));

    std::string text = text_of(diff, 10);
    INFO(text);
    CHECK(contains(text, "\nCPU profile\n  samples                   10 \u2192 9 (\u221210%)\n"));
    CHECK(contains(text, "  0x1101: flat 80.0 ms \u2192 20.0 ms (\u221275%); share 80.0% \u2192 22.2% (\u221257.8 pts); "
                         "cum 80.0 ms \u2192 20.0 ms (\u221275%)\n"));
    CHECK(contains(text, "  0x4401: flat 0 ns \u2192 50.0 ms (new); share 0.0% \u2192 55.6% (+55.6 pts)"));
    CHECK(contains(text, "  0x3300: cum 100 ms \u2192 90.0 ms (\u221210%)\n"));  // flat and share zero in both: left out
    CHECK_FALSE(contains(text, "samples lost"));  // zero in both runs
    // --top: the most changed functions only.
    std::string top = text_of(diff, 2);
    CHECK(contains(top, "0x4401"));
    CHECK_FALSE(contains(top, "  0x2201:"));
    CHECK(contains(top, "  ... 2 more (use --top)\n"));

    std::ostringstream json;
    write_json_diff(diff, json);
    CHECK(contains(json.str(), "\"diff_version\":1"));
    CHECK(contains(json.str(), "\"cpu_functions\":[{\"key\":\"0x1101\",\"in_before\":true,\"in_after\":true,"
                               "\"metrics\":{\"flat\":{\"unit\":\"seconds\""));
    CHECK(contains(json.str(), "\"share\":{\"unit\":\"share\",\"before\":0.8"));
}

TEST_CASE("CPU diff: only one run sampled compares against zero", "[cpu][diff][unit]") {
    auto before = run("a.bin", 8, 2, 0, false);
    auto after = run("b.bin", 8, 2, 0);
    RunDiff diff = diff_of(*before, *after);
    const SectionChange* functions = section(diff, "cpu_functions");
    REQUIRE(functions != nullptr);
    REQUIRE(functions->rows.size() == 3);
    CHECK(functions->rows[0].key == "0x1101");
    CHECK_FALSE(functions->rows[0].in_before);
    CHECK(functions->rows[0].metrics[0].after == Approx(0.08));
}

TEST_CASE("CPU diff: logs without samples get no CPU sections", "[cpu][diff][unit]") {
    auto before = run("a.bin", 8, 2, 0, false);
    auto after = run("b.bin", 2, 2, 5, false);
    RunDiff diff = diff_of(*before, *after);
    CHECK(section(diff, "cpu") == nullptr);
    CHECK(section(diff, "cpu_functions") == nullptr);
    CHECK(diff.sections.back().name == "threads");  // the last section, as before CPU profiles
    CHECK_FALSE(contains(text_of(diff, 10), "CPU profile"));
}
