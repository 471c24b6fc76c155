// The loop after recording: diff two runs, gate a CI build on findings, a
// JSON report that fits its schema, --help with examples, no colour in pipes.
#include <catch2/catch.hpp>

#include "harness.h"

using namespace harness;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// words in two modes, recorded once for every test here.
struct WordsLogs {
    std::string dir;
    bool ok = false;
};

const WordsLogs& words_logs() {
    static WordsLogs logs = [] {
        WordsLogs l;
        l.dir = scratch_dir("workflow_words");
        bool ok = true;
        for (const char* mode : {"unbuffered", "buffered", "alloc"})
            ok &= run(analyzer_path() + " record --no-report -o " + mode + ".bin -- " + words_path() + " --mode " +
                          mode + " " + book_path(),
                      l.dir)
                      .status == 0;
        l.ok = ok;
        return l;
    }();
    return logs;
}

Result analyzer(const std::string& args) {
    const WordsLogs& logs = words_logs();
    return run(analyzer_path() + " " + args, logs.dir);
}

}  // namespace

TEST_CASE("diff of unbuffered and buffered words shows the read calls drop", "[diff][integration]") {
    REQUIRE(words_logs().ok);
    Result r = analyzer("diff unbuffered.bin buffered.bin");
    REQUIRE(r.status == 0);
    CHECK(contains(r.out, "read calls                1,270,331 \u2192 "));
    CHECK(contains(r.out, "(\u221299.99"));
    CHECK(contains(r.out, "fixed  unbuffered-io at readbyte() in words.cpp"));
    CHECK(contains(r.out, "wall "));
    CHECK_FALSE(contains(r.out, "\033["));  // no colour into a file

    // Sites match by function and file, so the alloc run's hot spot is readbyte's too.
    Result alloc = analyzer("diff buffered.bin alloc.bin");
    REQUIRE(alloc.status == 0);
    CHECK(contains(alloc.out, "new    alloc-hotspot at readbyte() in words.cpp"));
    CHECK(contains(alloc.out, "readbyte() in words.cpp: allocations 0 \u2192 1,270,330"));

    Result json = analyzer("diff --format json unbuffered.bin buffered.bin");
    REQUIRE(json.status == 0);
    CHECK(contains(json.out, "\"diff_version\":1"));
    CHECK(contains(json.out, "{\"key\":\"read calls\",\"in_before\":true,\"in_after\":true,"
                             "\"metrics\":{\"calls\":{\"unit\":\"count\",\"before\":1270331,"));
}

TEST_CASE("diff refuses a missing log with exit 2", "[diff][integration]") {
    REQUIRE(words_logs().ok);
    Result r = analyzer("diff unbuffered.bin no-such.bin");
    CHECK(r.status == 2);
    CHECK(contains(r.err, "no-such.bin"));
}

TEST_CASE("--fail-on gates a build on a kind of finding", "[gates][integration]") {
    REQUIRE(words_logs().ok);
    Result unbuffered = analyzer("report unbuffered.bin --fail-on unbuffered-io,alloc-hotspot");
    CHECK(unbuffered.status == 1);
    CHECK(contains(unbuffered.err, "analyzer: gate failed: --fail-on unbuffered-io: 1 finding"));
    CHECK(contains(unbuffered.out, "Findings"));  // the report is still written

    Result buffered = analyzer("report buffered.bin --fail-on unbuffered-io --fail-on alloc-hotspot");
    CHECK(buffered.status == 0);
    CHECK_FALSE(contains(buffered.err, "gate failed"));

    Result alloc = analyzer("report alloc.bin --format json --fail-on alloc-hotspot");
    CHECK(alloc.status == 1);
    CHECK(contains(alloc.err, "--fail-on alloc-hotspot"));
}

TEST_CASE("--fail-on refuses an unknown kind in one line, exit 2", "[gates][integration]") {
    REQUIRE(words_logs().ok);
    Result r = analyzer("report unbuffered.bin --fail-on unbuffered-io,slow-stuff");
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err == "analyzer: --fail-on: unknown finding kind 'slow-stuff' (valid: unbuffered-io, re-read, "
                   "file-reopened, alloc-hotspot, leak, serial-phase, cpu-contention, threads-too-fine, idle-phase, cpu-hotspot, lock-contention)\n");
}

TEST_CASE("--max-reads-per-mb gates on read calls per MiB", "[gates][integration]") {
    REQUIRE(words_logs().ok);
    Result unbuffered = analyzer("report unbuffered.bin --max-reads-per-mb 1000");
    CHECK(unbuffered.status == 1);
    CHECK(contains(unbuffered.err, "gate failed: --max-reads-per-mb 1000: "));
    CHECK(analyzer("report buffered.bin --max-reads-per-mb 1000").status == 0);
    CHECK(analyzer("report unbuffered.bin --max-reads-per-mb 2000000").status == 0);
}

TEST_CASE("JSON reports of real runs fit report.schema.json", "[schema][integration]") {
    REQUIRE(words_logs().ok);
    const std::string& dir = words_logs().dir;
    if (run("command -v python3", dir).status != 0) {
        WARN("skipped: no python3 to run tests/tools/check_schema.py");
        return;
    }
    std::string mandelbrot = repo_root() + "/workloads/mandelbrot";
    REQUIRE(run(analyzer_path() + " record --no-report -o workers.bin -- " + mandelbrot +
                    " -mode workers -workers 4 -w 256 -h 256 -o workers.png",
                dir)
                .status == 0);
    std::string documents;
    for (const char* name : {"unbuffered", "buffered", "alloc", "workers"}) {
        REQUIRE(analyzer(std::string("report --format json ") + name + ".bin > " + name + ".json").status == 0);
        documents += std::string(" ") + name + ".json";
    }
    Result fits = check_report_schema(documents, dir);
    INFO(fits.out << fits.err);
    CHECK(fits.status == 0);
    CHECK(contains(read_file(dir + "/unbuffered.json"), "\"report_version\":1"));

    // The checker is not a rubber stamp: a report without "findings" fails.
    REQUIRE(run("python3 -c \"import json; d=json.load(open('unbuffered.json')); del d['findings']; "
                "json.dump(d, open('broken.json','w'))\"",
                dir)
                .status == 0);
    Result broken = check_report_schema("broken.json", dir);
    CHECK(broken.status == 1);
    CHECK(contains(broken.out, "missing required key 'findings'"));
}

TEST_CASE("every subcommand's --help shows an example", "[help][integration]") {
    Result top = run(analyzer_path() + " --help", "/tmp");
    REQUIRE(top.status == 0);
    size_t list = top.out.find("Subcommands:");
    REQUIRE(list != std::string::npos);
    std::vector<std::string> names;
    size_t at = top.out.find('\n', list);
    while (at != std::string::npos && at + 1 < top.out.size()) {
        size_t end = top.out.find('\n', at + 1);
        std::string line = top.out.substr(at + 1, end == std::string::npos ? std::string::npos : end - at - 1);
        // "  name    description"; description lines go on indented further.
        if (line.size() > 2 && line.compare(0, 2, "  ") == 0 && line[2] != ' ')
            names.push_back(line.substr(2, line.find(' ', 2) - 2));
        at = end;
    }
    CHECK(names.size() >= 5);
    for (const std::string& name : names) {
        Result help = run(analyzer_path() + " " + name + " --help", "/tmp");
        INFO(name);
        CHECK(help.status == 0);
        CHECK(contains(help.out, "Example"));
    }
}
