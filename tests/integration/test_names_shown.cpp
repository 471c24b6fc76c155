// Issue 19: the text report shows simplified function names, the JSON keeps
// them whole; threads are still grouped by the whole name.
#include <catch2/catch.hpp>

#include "../../analyzer/symbols/thread_names.h"
#include "../../analyzer/analysis/threads_summary.h"
#include "analysis.h"
#include "harness.h"

using namespace harness;

TEST_CASE("two instantiations of a thread's template routine stay two groups", "[names][threads][integration]") {
    std::string dir = scratch_dir("names_template_workers");
    Result r = run(preload() + program_path("template_workers"), dir);
    REQUIRE(r.status == 0);
    CHECK(r.out == "2016 2016\n");
    Analysis a = analyze(dir + "/log.bin");
    analyzer::ThreadNamer names(*a.sites);
    analyzer::ThreadsSummary s = analyzer::summarize_threads(a.log, names);
    REQUIRE(s.groups.size() == 3);
    int workers = 0;
    for (const analyzer::ThreadGroupStats& g : s.groups) {
        if (g.is_main) continue;
        ++workers;
        INFO(g.routine);
        CHECK(g.count() == 3);
        CHECK(g.label == "worker<…>()");
        CHECK((g.routine.find("worker<int>") != std::string::npos || g.routine.find("worker<long>") != std::string::npos));
    }
    CHECK(workers == 2);
}

TEST_CASE("mandelbrot's thread site: short in the text report, whole in the JSON", "[names][integration]") {
    std::string dir = scratch_dir("names_mandelbrot");
    REQUIRE(run(preload() + repo_root() + "/workloads/mandelbrot -mode row -w 64 -h 256 -o m.png", dir).status == 0);
    Result text = run(analyzer_path() + " report log.bin", dir);
    REQUIRE(text.status == 0);
    // The lambda that the thread runs, and where: without parameter lists.
    CHECK(text.out.find("render_row_per_thread()::<lambda>") != std::string::npos);
    CHECK(text.out.find("render_row_per_thread(Image&)") == std::string::npos);

    Result json = run(analyzer_path() + " report log.bin --format json", dir);
    REQUIRE(json.status == 0);
    CHECK(json.out.find("render_row_per_thread(Image&)::<lambda(") != std::string::npos);     // "site"
    CHECK(json.out.find("\"site_short\":\"start<thread_per_task<render_row_per_thread()::<lambda>>") !=
          std::string::npos);
}
