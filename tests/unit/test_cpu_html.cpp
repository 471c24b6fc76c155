// The HTML report's CPU view (views/html_cpu.cpp): the first section when the
// log has CPU samples, a flame graph weighted by CPU time naming the hot
// function; a log without samples gets the page it always got.
#include <catch2/catch.hpp>

#include <sstream>

#include "../../analyzer/pipeline.h"
#include "../../analyzer/views/report.h"

using namespace analyzer;

namespace {

// Stacks innermost first; with no modules the functions are named by
// address: 0x1101 (the leaf, 40 ms of the 50) called from 0x2200.
Log cpu_log() {
    Log log;
    log.path = "log.bin";
    log.process.exe = "/bin/prog";
    log.stacks[1] = {0x1101, 0x2200, 0x3300};
    log.stacks[2] = {0x2201, 0x3300};
    log.cpu.period_ns = 10000000;
    log.cpu.batches = 1;
    log.cpu.samples = {{8, 100, 1, 30000000}, {8, 200, 1, 10000000}, {9, 300, 2, 10000000}};
    return log;
}

std::string html_of(const Log& log) {
    Symbolizer symbols({});
    CallSites sites(log, symbols);
    Analysis analysis = analyze_with_limits(log, sites, AllocReport{}, Thresholds{});
    std::vector<Finding> findings;
    ReportInput input{log, findings, sites, 10, analysis};
    std::ostringstream out;
    write_html_report(input, out);
    return out.str();
}

// The text of the SVG element with this id.
std::string svg_with_id(const std::string& page, const std::string& id) {
    size_t start = page.find("<svg id=\"" + id + "\"");
    if (start == std::string::npos) return "";
    size_t end = page.find("</svg>", start);
    return end == std::string::npos ? "" : page.substr(start, end - start);
}

}  // namespace

TEST_CASE("html: the CPU flame graph is the first view and names the hot function", "[html][cpu]") {
    std::string page = html_of(cpu_log());
    size_t cpu = page.find("<section id=\"cpu\">");
    REQUIRE(cpu != std::string::npos);
    CHECK(cpu < page.find("<section id=\"findings\">"));
    CHECK(page.find("<nav><a href=\"#cpu\">CPU</a><a href=\"#findings\">") != std::string::npos);

    std::string svg = svg_with_id(page, "cpu-flame");
    REQUIRE(!svg.empty());
    INFO(svg);
    // The title: samples and the CPU they stand for.
    CHECK(svg.find("CPU time by stack: 3 samples, 50.0 ms of CPU") != std::string::npos);
    // Weighted by CPU time: the leaf's 4 expiries are 40 ms, 80% of all.
    CHECK(svg.find("<title>0x1101 (40.0 ms of CPU, 80.0%)</title>") != std::string::npos);
    CHECK(svg.find("<title>0x3300 (50.0 ms of CPU, 100.0%)</title>") != std::string::npos);
    // Its styles reach this graph only, never the page's other charts.
    CHECK(svg.find("<style>#cpu-flame text {") != std::string::npos);
    CHECK(svg.find("width=\"1200\"") == std::string::npos);  // the page sizes it
    CHECK(svg.find("http://") == std::string::npos);  // nothing a reader could take for a fetch
    // The top functions: the hot one first.
    size_t table = page.find("Top functions by their own CPU", cpu);
    REQUIRE(table != std::string::npos);
    CHECK(page.find("<code>0x1101", table) < page.find("<code>0x2201", table));
}

TEST_CASE("html: a log without CPU samples has no CPU view", "[html][cpu]") {
    Log log = cpu_log();
    log.cpu = CpuProfile{};
    std::string page = html_of(log);
    CHECK(page.find("id=\"cpu\"") == std::string::npos);
    CHECK(page.find("cpu-flame") == std::string::npos);
    CHECK(page.find("<nav><a href=\"#findings\">") != std::string::npos);
}

TEST_CASE("html: a sampled log with no samples says so in its CPU view", "[html][cpu]") {
    Log log = cpu_log();
    log.cpu.samples.clear();
    std::string page = html_of(log);
    CHECK(page.find("<section id=\"cpu\"><h2>CPU profile</h2>\n<p class=\"empty\">No samples") != std::string::npos);
    CHECK(page.find("cpu-flame") == std::string::npos);
}
