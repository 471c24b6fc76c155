// The exports read by tools users already have: the pprof profile, read back
// by `go tool pprof` (an independent decoder), and the HTML report, loaded in
// headless Chromium. Each skips, saying why, when its tool is not installed.
//
// How the browser test sees errors: Chromium prints every console message,
// uncaught exception and blocked fetch to stderr as an "INFO:CONSOLE" line
// (--enable-logging=stderr --v=0), and the page itself collects the same
// (window 'error', console.error, 'securitypolicyviolation' under its
// no-fetch Content-Security-Policy) into a data-script-errors attribute that
// --dump-dom shows. The page marks data-rendered="yes" when its script has
// run to the end, so a script that never ran cannot pass as error-free.
#include <catch2/catch.hpp>

#include "harness.h"

using namespace harness;

namespace {

bool have_command(const std::string& name, const std::string& dir) {
    return run("command -v " + name, dir).status == 0;
}

std::string words_log(const std::string& mode, const std::string& dir, const std::string& book = book_path()) {
    Result traced = run(preload() + words_path() + " --mode " + mode + " '" + book + "'", dir);
    REQUIRE(traced.status == 0);
    return dir + "/log.bin";
}

// `go tool pprof -top`, with the sample type to show.
Result pprof_top(const std::string& profile, const std::string& sample_index, const std::string& dir) {
    return run("PPROF_TMPDIR='" + dir + "' go tool pprof -top -sample_index=" + sample_index + " '" + profile + "'",
               dir);
}

// The line of `go tool pprof -top` for a function: "flat flat% sum% cum cum% name".
std::string top_line(const std::string& top, const std::string& function) {
    size_t at = top.find(function);
    if (at == std::string::npos) return "";
    size_t start = top.rfind('\n', at);
    return top.substr(start == std::string::npos ? 0 : start + 1, at - (start == std::string::npos ? 0 : start + 1));
}

const char* const kChromiumFlags =
    " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking"
    " --disable-component-update --disable-sync --enable-logging=stderr --v=0";

Result chromium(const std::string& page, const std::string& extra, const std::string& dir, const std::string& profile) {
    return run("timeout 120 chromium" + std::string(kChromiumFlags) + " --user-data-dir='" + dir + "/" + profile + "' " +
                   extra + " 'file://" + page + "'",
               dir);
}

// Loads the page, checks it for errors, and keeps a screenshot at `png`.
void check_in_browser(const std::string& page, const std::string& png, const std::string& dir) {
    Result dom = chromium(page, "--dump-dom", dir, "profile-dom");
    INFO("page " << page << "\nchromium stderr:\n" << dom.err);
    REQUIRE(dom.status == 0);
    CHECK(dom.out.find("data-rendered=\"yes\"") != std::string::npos);
    CHECK(dom.out.find("data-script-errors=") == std::string::npos);
    CHECK(dom.err.find(":CONSOLE") == std::string::npos);

    run("rm -f '" + png + "'", dir);
    Result shot = chromium(page, "--window-size=1280,3600 --screenshot='" + png + "'", dir, "profile-shot");
    CHECK(shot.status == 0);
    std::string image = read_file(png);
    REQUIRE(image.size() > 10000);
    CHECK(image.compare(1, 3, "PNG") == 0);
}

}  // namespace

TEST_CASE("pprof: go tool pprof reads the allocation profile of words alloc", "[pprof][integration]") {
    std::string dir = scratch_dir("pprof_allocs");
    std::string log = words_log("alloc", dir);
    Result made = run(analyzer_path() + " pprof '" + log + "' --what allocs -o allocs.pb.gz", dir);
    INFO(made.err);
    REQUIRE(made.status == 0);
    REQUIRE(read_file(dir + "/allocs.pb.gz").compare(0, 2, "\x1f\x8b") == 0);  // gzip
    if (!have_command("go", dir)) {
        WARN("skipped reading the profile back: `go` is not installed (Debian package golang-go)");
        return;
    }
    Result top = pprof_top(dir + "/allocs.pb.gz", "alloc_objects", dir);
    INFO(top.out << top.err);
    REQUIRE(top.status == 0);
    CHECK(top.out.find("Type: alloc_objects") != std::string::npos);
    // operator new is dropped (drop_frames), so readbyte is the leaf: flat = one per byte.
    CHECK(top_line(top.out, "readbyte").find("1270330") != std::string::npos);
    for (const char* index : {"alloc_space", "inuse_objects", "inuse_space"}) {
        Result other = pprof_top(dir + "/allocs.pb.gz", index, dir);
        INFO(index << ": " << other.err);
        CHECK(other.status == 0);
    }
}

TEST_CASE("pprof: go tool pprof reads the read-call profile of words unbuffered", "[pprof][integration]") {
    std::string dir = scratch_dir("pprof_reads");
    std::string log = words_log("unbuffered", dir);
    Result made = run(analyzer_path() + " pprof '" + log + "' --what reads -o reads.pb.gz", dir);
    INFO(made.err);
    REQUIRE(made.status == 0);
    if (!have_command("go", dir)) {
        WARN("skipped reading the profile back: `go` is not installed (Debian package golang-go)");
        return;
    }
    Result calls = pprof_top(dir + "/reads.pb.gz", "read_calls", dir);
    INFO(calls.out << calls.err);
    REQUIRE(calls.status == 0);
    CHECK(calls.out.find("Type: read_calls") != std::string::npos);
    CHECK(top_line(calls.out, "readbyte").find("1270331") != std::string::npos);  // one per byte, then EOF
    Result bytes = pprof_top(dir + "/reads.pb.gz", "read_bytes", dir);
    CHECK(bytes.status == 0);
    CHECK(bytes.out.find("readbyte") != std::string::npos);
}

TEST_CASE("pprof: a log that is not there is an error, and nothing is written", "[pprof][integration]") {
    std::string dir = scratch_dir("pprof_missing");
    Result r = run(analyzer_path() + " pprof missing.bin -o out.pb.gz", dir);
    CHECK(r.status == 2);
    CHECK(r.err.find("missing.bin") != std::string::npos);
    CHECK(read_file(dir + "/out.pb.gz").empty());
}

TEST_CASE("html report: self-contained, escaped, and loads in headless Chromium", "[html][browser][integration]") {
    // Threads, P(t), allocations and a flame graph: mandelbrot with a thread per row.
    std::string mandel_dir = scratch_dir("html_mandelbrot");
    Result traced = run(preload() + repo_root() + "/workloads/mandelbrot -mode row > /dev/null", mandel_dir);
    REQUIRE(traced.status == 0);
    Result made = run(analyzer_path() + " report log.bin --format html -o report.html", mandel_dir);
    INFO(made.err);
    REQUIRE(made.status == 0);
    std::string mandel_page = read_file(mandel_dir + "/report.html");
    CHECK(mandel_page.find("id=\"flame-data\"") != std::string::npos);
    CHECK(mandel_page.find("threads on CPU") != std::string::npos);
    CHECK(mandel_page.find("class=\"chart lanes\"") != std::string::npos);

    // I/O histograms and a hostile file name: words reading a book named like markup.
    std::string words_dir = scratch_dir("html_words");
    std::string hostile = words_dir + "/<img src=x onerror=alert(1)>&\"q.txt";
    run("cp '" + book_path() + "' '" + hostile + "'", words_dir);
    words_log("alloc", words_dir, hostile);
    REQUIRE(run(analyzer_path() + " report log.bin --format html -o report.html", words_dir).status == 0);
    std::string words_page = read_file(words_dir + "/report.html");
    CHECK(words_page.find("<img src=x") == std::string::npos);
    CHECK(words_page.find("&lt;img src=x onerror=alert(1)&gt;&amp;&quot;q.txt") != std::string::npos);
    CHECK(words_page.find("class=\"histogram\"") != std::string::npos);
    CHECK(words_page.find("readbyte") != std::string::npos);

    for (const std::string* page : {&mandel_page, &words_page}) {
        CHECK(page->find(" src=\"") == std::string::npos);  // nothing to fetch
        CHECK(page->find("<link") == std::string::npos);
        CHECK(page->find("http://") == std::string::npos);
        CHECK(page->find("https://") == std::string::npos);
    }

    // Without -o the page goes to stdout.
    Result to_stdout = run(analyzer_path() + " report log.bin --format html", words_dir);
    CHECK(to_stdout.status == 0);
    CHECK(to_stdout.out == words_page);

    if (!have_command("chromium", words_dir)) {
        WARN("skipped the browser check: `chromium` is not installed (Debian package chromium)");
        return;
    }
    check_in_browser(mandel_dir + "/report.html", repo_root() + "/tests/work/report.png", mandel_dir);
    check_in_browser(words_dir + "/report.html", repo_root() + "/tests/work/report_words.png", words_dir);
}
