// Flame graph views: folded stacks (flamegraph.pl's input format) and the SVG.
#include <catch2/catch.hpp>

#include <sstream>

#include "../../analyzer/views/flame.h"

using namespace analyzer;

namespace {

size_t occurrences(const std::string& text, const std::string& needle) {
    size_t n = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("flame: folded lines are outermost first, one per distinct stack", "[flame]") {
    Log log;
    log.stacks[1] = {0x1000, 0x2000, 0x3000};  // innermost first, as recorded
    log.stacks[2] = {0x1100, 0x3000};
    AllocReport allocs;
    allocs.stacks[1].stack_id = 1;
    allocs.stacks[1].allocations = 5;
    allocs.stacks[1].bytes = 500;
    allocs.stacks[2].stack_id = 2;
    allocs.stacks[2].allocations = 2;
    allocs.stacks[2].bytes = 7;
    Symbolizer symbols({});

    std::ostringstream counts, bytes;
    write_folded(flame_stacks(log, allocs, symbols, FlameWeight::Allocations), counts);
    CHECK(counts.str() == "0x3000;0x1100 2\n0x3000;0x2000;0x1000 5\n");
    write_folded(flame_stacks(log, allocs, symbols, FlameWeight::AllocatedBytes), bytes);
    CHECK(bytes.str() == "0x3000;0x1100 7\n0x3000;0x2000;0x1000 500\n");
}

TEST_CASE("flame: reads are weighted by calls, writes left out", "[flame]") {
    Log log;
    log.stacks[4] = {0x1000, 0x2000};
    IoSite read_site;
    read_site.stack_id = 4;
    read_site.site = 0x1000;
    read_site.calls = 1270331;
    IoSite unknown_stack = read_site;
    unknown_stack.stack_id = 99;  // not in the log: the site address alone
    unknown_stack.site = 0x5000;
    unknown_stack.calls = 3;
    IoSite write_site = read_site;
    write_site.syscall = shimlog::Syscall::write;
    log.io_sites = {read_site, unknown_stack, write_site};
    Symbolizer symbols({});
    std::ostringstream out;
    write_folded(flame_stacks(log, AllocReport{}, symbols, FlameWeight::Reads), out);
    CHECK(out.str() == "0x2000;0x1000 1270331\n0x5000 3\n");
}

TEST_CASE("flame: frame names cannot break the folded format", "[flame]") {
    CHECK(folded_frame_name("operator;(int)\nx") == "operator:(int) x");
    CHECK(folded_frame_name("") == "[unknown]");
    CHECK(folded_frame_name("f(std::vector<int> const&)") == "f(std::vector<int> const&)");
}

TEST_CASE("flame: the SVG has a rectangle per frame and escapes names", "[flame]") {
    std::vector<FoldedStack> stacks = {
        {{"main", "f<int>&"}, 3},
        {{"main", "g"}, 1},
        {{"other"}, 4},
    };
    std::ostringstream out;
    write_flame_svg(stacks, "Allocations by stack", "allocations", out);
    std::string svg = out.str();
    CHECK(svg.rfind("<svg", 0) == 0);
    REQUIRE(svg.size() > 7);
    CHECK(svg.substr(svg.size() - 7) == "</svg>\n");
    CHECK(occurrences(svg, "<rect") == 5);  // all, main, f<int>&, g, other
    CHECK(occurrences(svg, "<title>") == 5);
    CHECK(occurrences(svg, "<g>") == occurrences(svg, "</g>"));
    CHECK(svg.find("<title>f&lt;int&gt;&amp; (3 allocations, 37.5%)</title>") != std::string::npos);
    CHECK(svg.find("<title>all (8 allocations, 100.0%)</title>") != std::string::npos);
    CHECK(svg.find("f<int>") == std::string::npos);
    CHECK(svg.find("width=\"1180.00\"") != std::string::npos);  // the root spans the drawing
    CHECK(svg.find("<script") == std::string::npos);
    CHECK(svg.find("href") == std::string::npos);
}

TEST_CASE("flame: long names are cut to fit, an empty graph still draws", "[flame]") {
    std::vector<FoldedStack> stacks = {{{"main", std::string(300, 'x')}, 1000000}, {{"main", "tiny"}, 1}};
    std::ostringstream out;
    write_flame_svg(stacks, "t", "calls", out);
    CHECK(out.str().find("<title>" + std::string(300, 'x') + " (") != std::string::npos);  // whole in the tooltip
    CHECK(out.str().find(std::string(300, 'x') + "</text>") == std::string::npos);
    CHECK(out.str().find("xxx..</text>") != std::string::npos);
    CHECK(occurrences(out.str(), "<rect") == 3);  // "tiny" is 0.001 px wide: not drawn

    std::ostringstream empty;
    write_flame_svg({}, "nothing", "calls", empty);
    CHECK(empty.str().rfind("<svg", 0) == 0);
    CHECK(empty.str().find("no data") != std::string::npos);
    CHECK(occurrences(empty.str(), "<rect") == 0);
}
