// The text report's Threads and Concurrency sections and the strip chart.
#include <catch2/catch.hpp>

#include <sstream>

#include "../../analyzer/pipeline.h"
#include "../../analyzer/views/report.h"
#include "../../analyzer/views/strip_chart.h"
#include "thread_fixtures.h"

using namespace analyzer;

namespace {

std::string text_report(const Log& log) {
    Symbolizer symbols({});
    CallSites sites(log, symbols);
    std::vector<Finding> findings;
    AllocReport allocs;
    Analysis analysis = analyze_with_limits(log, sites, allocs, Thresholds{});
    ReportInput input{log, findings, sites, 10, analysis};
    std::ostringstream out;
    write_threads_section(input, out);
    write_concurrency_section(input, out);
    return out.str();
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("threads and concurrency sections show the measured figures", "[views][concurrency]") {
    std::string text = text_report(fixtures::two_then_one());
    INFO(text);
    CHECK(has(text, "Threads (3 in all, 0 started by pthread_create; at most 3 alive at once"));
    CHECK(has(text, "main thread"));
    CHECK(has(text, "Serial fraction f = 0.33"));
    CHECK(has(text, "ceiling speed-up 1/f = 3.0x"));
    CHECK(has(text, "2 cores 1.50x"));
    CHECK(has(text, "  1                  500 ms   50.0%"));
    CHECK(has(text, "  2                  500 ms   50.0%"));
    CHECK(has(text, "500 ms–1.00 s"));  // the serial phase
}

TEST_CASE("a log without samples says so; one without threads has no sections", "[views][concurrency]") {
    Log log = fixtures::empty_run(1000 * fixtures::kMs);
    CHECK(text_report(log).empty());
    log.threads.push_back(fixtures::thread(1, 0, 1000 * fixtures::kMs, 900 * fixtures::kMs));
    std::string text = text_report(log);
    CHECK(has(text, "Threads: the main thread only (1.00 s alive, 900 ms of CPU)"));
    CHECK(has(text, "no samples: the sampler starts with the first pthread_create"));
}

TEST_CASE("strip chart: rows of blocks, a scale and a time axis", "[views]") {
    std::vector<double> values{2.0, 1.5, 1.0, 0.5, 0.0};
    values.resize(20, 0.0);
    std::vector<std::string> lines = strip_chart(values, 2, 1, 1.0);
    REQUIRE(lines.size() == 4);
    CHECK(lines[0] == "  2 │█▄" + std::string(18, ' '));
    CHECK(lines[1] == "  1 │███▄" + std::string(16, ' '));
    CHECK(lines[2].rfind("  0 └──", 0) == 0);
    CHECK(lines[3] == "     0 s    500 ms 1.00 s");
    // Too narrow for every label: the ones that fit, none overlapping.
    CHECK(strip_chart({1.0}, 1, 1, 1.0).back() == "     0 s");
}
