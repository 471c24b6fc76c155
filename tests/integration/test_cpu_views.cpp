// The CPU profile in the HTML report and the Chrome trace, end to end:
// cpu_split (heavy() and light() on two threads, 3:1 by construction) sampled
// by the shim, its page and trace naming the functions that ran.
#include <catch2/catch.hpp>

#include "harness.h"

using namespace harness;

namespace {

// cpu_split's log, sampled at 1000 Hz, in `dir` as log.bin.
void sampled_cpu_split(const std::string& dir) {
    Result traced = run("SHIM_CPU_HZ=1000 SHIM_LOG=log.bin " + preload() + program_path("cpu_split") + " 40 > /dev/null", dir);
    REQUIRE(traced.status == 0);
}

}  // namespace

TEST_CASE("cpu_split: the HTML report's first view is the CPU flame graph, naming heavy()", "[cpu][html][integration]") {
    std::string dir = scratch_dir("cpu_views_html");
    sampled_cpu_split(dir);
    Result made = run(analyzer_path() + " report log.bin --format html -o report.html", dir);
    INFO(made.err);
    REQUIRE(made.status == 0);
    std::string page = read_file(dir + "/report.html");
    size_t cpu = page.find("<section id=\"cpu\">");
    REQUIRE(cpu != std::string::npos);
    CHECK(cpu < page.find("<section id=\"findings\">"));
    size_t svg = page.find("<svg id=\"cpu-flame\"", cpu);
    REQUIRE(svg != std::string::npos);
    size_t end = page.find("</svg>", svg);
    std::string flame = page.substr(svg, end - svg);
    CHECK(flame.find("<title>heavy") != std::string::npos);
    CHECK(flame.find("<title>light") != std::string::npos);
    CHECK(flame.find(" of CPU, ") != std::string::npos);  // weighted by CPU time
    CHECK(page.find("http://") == std::string::npos);
}

TEST_CASE("cpu_split: the Chrome trace holds the samples on the workers' tracks, heavy() the most", "[cpu][timeline][integration]") {
    std::string dir = scratch_dir("cpu_views_trace");
    sampled_cpu_split(dir);
    Result made = run(analyzer_path() + " timeline log.bin -o trace.json", dir);
    INFO(made.err);
    REQUIRE(made.status == 0);
    // Per sampled track: its name, and the innermost program function of
    // the heaviest stack (the first frame outward named heavy or light).
    write_file(dir + "/inspect.py",
               "import json,collections\n"
               "d=json.load(open('trace.json'))\n"
               "names={e['tid']:e['args']['name'] for e in d['traceEvents'] if e['ph']=='M' and e['name']=='thread_name'}\n"
               "sf=d['stackFrames']\n"
               "def fn(i):\n"
               "  while i is not None:\n"
               "    n=sf[i]['name']\n"
               "    if n.startswith('heavy') or n.startswith('light'): return n.split(' ')[0]\n"
               "    i=sf[i].get('parent')\n"
               "  return '-'\n"
               "w=collections.Counter()\n"
               "for s in d['samples']:\n"
               "  assert s['tid'] in names\n"
               "  w[(names[s['tid']].split(' ')[0], fn(s.get('sf')))]+=s['weight']\n"
               "work=sum(v for k,v in w.items() if k[0]=='work')\n"
               "heavy=sum(v for k,v in w.items() if k==('work','heavy'))\n"
               "print('%d %.2f' % (len({k[0] for k in w}), heavy/work))\n");
    Result inspected = run("python3 inspect.py", dir);
    INFO(inspected.out + inspected.err);
    REQUIRE(inspected.status == 0);
    // The workers' tracks (named work) hold the samples; heavy() ~75% of them.
    // Expiries reach a thread only at the kernel's tick (~100 deliveries
    // here): on a loaded machine 0.90 was seen once; test_cpu_workloads.cpp
    // checks the split to ±5 points on a longer run.
    double heavy_share = std::stod(inspected.out.substr(inspected.out.find(' ') + 1));
    CHECK(heavy_share > 0.58);
    CHECK(heavy_share < 0.92);
}
