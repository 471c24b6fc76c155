// The pieces of `analyzer push` and of the windows' views that need no server:
// window numbers read from log names, the requests' encodings, the pprof
// labels, and the windows' table.
#include <catch2/catch.hpp>

#include <sstream>

#include "../../analyzer/diff/window_table.h"
#include "../../analyzer/encode/profile_ingest.h"
#include "../../analyzer/model/window_name.h"
#include "../../analyzer/views/pprof.h"
#include "../../analyzer/views/diff.h"
#include "../../analyzer/views/windows.h"

using namespace analyzer;

TEST_CASE("windows: the window a log is, from its name", "[windows]") {
    CHECK(window_of_log("log.bin").label() == "1");
    CHECK(window_of_log("log.bin").base == "log.bin");
    CHECK(window_of_log("dir/log.bin.w2").label() == "2");
    CHECK(window_of_log("dir/log.bin.w2").base == "dir/log.bin");
    CHECK(window_of_log("log.bin.w17").number == 17);
    CHECK(window_of_log("log.bin.s3").label() == "s3");
    CHECK(window_of_log("log.bin.s3").snapshot);
    // Not windows: a child's log, w1 (never written), letters after the number, a dot in a directory.
    CHECK(window_of_log("log.bin.1234").label() == "1");
    CHECK(window_of_log("log.bin.w1").base == "log.bin.w1");
    CHECK(window_of_log("log.bin.w2x").label() == "1");
    CHECK(window_of_log("run.w2/log").label() == "1");
    CHECK(window_of_log("log.bin.w").label() == "1");
}

TEST_CASE("push: Pyroscope's name and query", "[push]") {
    std::string name = pyroscope_app_name("my app", {{"pid", "42"}, {"command", "a,b=c{d}"}, {"window", "2"}});
    CHECK(name == "my_app{pid=42,command=a_b_c_d_,window=2}");
    CHECK(pyroscope_ingest_query(name, 1700000000, 1700000060) ==
          "name=my_app%7Bpid%3D42%2Ccommand%3Da_b_c_d_%2Cwindow%3D2%7D&from=1700000000&until=1700000060"
          "&format=pprof");
}

TEST_CASE("push: the sample type configuration names our types only", "[push]") {
    CHECK(pyroscope_sample_type_config({"read_calls", "read_bytes"}) ==
          "{\"read_calls\":{\"units\":\"samples\",\"aggregation\":\"sum\",\"display-name\":\"read_calls\",\"sampled\":false},"
          "\"read_bytes\":{\"units\":\"bytes\",\"aggregation\":\"sum\",\"display-name\":\"read_bytes\",\"sampled\":false}}");
    // CPU: only "cpu" (the samples count would be a second series of the same thing).
    CHECK(pyroscope_sample_type_config({"samples", "cpu"}) ==
          "{\"cpu\":{\"units\":\"samples\",\"aggregation\":\"sum\",\"display-name\":\"cpu\",\"sampled\":true}}");
}

TEST_CASE("push: base64 as RFC 4648 writes it", "[push]") {
    CHECK(base64_encode("") == "");
    CHECK(base64_encode("f") == "Zg==");
    CHECK(base64_encode("fo") == "Zm8=");
    CHECK(base64_encode("foo") == "Zm9v");
    CHECK(base64_encode("foobar") == "Zm9vYmFy");
    CHECK(base64_encode(std::string("\xff\x00\x80", 3)) == "/wCA");
}

TEST_CASE("push: Parca's WriteRawRequest in grpc-gateway JSON", "[push]") {
    CHECK(parca_write_raw_json({{"__name__", "memory"}, {"command", "a\"b"}}, "foo") ==
          "{\"series\":[{\"labels\":{\"labels\":[{\"name\":\"__name__\",\"value\":\"memory\"},"
          "{\"name\":\"command\",\"value\":\"a\\\"b\"}]},\"samples\":[{\"rawProfile\":\"Zm9v\"}]}],\"normalized\":false}");
}

namespace {

Log labelled_cpu_log(const std::string& path) {
    Log log;
    log.path = path;
    log.process.pid = 4321;
    log.process.exe = "/usr/bin/server";
    log.process.start_realtime_ns = 1700000000123456789ULL;
    log.process.start_ns = 1000;
    log.end.present = true;
    log.end.end_ns = 1000 + 2500000000ULL;
    log.modules.push_back({0x1000, 0x3000, 0x1000, "/usr/bin/server", ""});
    log.stacks[1] = {0x1101, 0x2200};
    ThreadInfo main_thread;
    main_thread.tid = 4321;
    main_thread.is_main = true;
    ThreadInfo worker;
    worker.tid = 4322;
    log.threads = {main_thread, worker};
    log.cpu.period_ns = 10000000;
    log.cpu.batches = 1;
    // One stack on both threads: two samples, one per kind of thread.
    log.cpu.samples = {{4321, 100, 1, 10000000}, {4322, 200, 1, 30000000}, {4322, 300, 1, 10000000}};
    return log;
}

std::map<std::string, std::string> labels_of(const PprofProfile& p, const PprofSample& s) {
    std::map<std::string, std::string> out;
    for (const PprofLabel& l : s.labels) out[p.string_table[size_t(l.key)]] = p.string_table[size_t(l.str)];
    return out;
}

}  // namespace

TEST_CASE("pprof: every sample carries pid, command, window; CPU samples the kind of thread", "[pprof][push]") {
    Log log = labelled_cpu_log("/tmp/x/log.bin.w3");
    Symbolizer symbols({});
    PprofProfile p = build_pprof(log, AllocReport{}, symbols, PprofWhat::Cpu);
    REQUIRE(p.samples.size() == 2);
    auto main_labels = labels_of(p, p.samples[0]);
    auto worker_labels = labels_of(p, p.samples[1]);
    CHECK(main_labels["pid"] == "4321");
    CHECK(main_labels["command"] == "server");
    CHECK(main_labels["window"] == "3");
    CHECK(main_labels["thread_kind"] == "main thread");
    CHECK(p.samples[0].values == std::vector<int64_t>{1, 10000000});
    CHECK(worker_labels["thread_kind"] != "main thread");
    CHECK(p.samples[1].values == std::vector<int64_t>{4, 40000000});
    CHECK(p.time_nanos == 1700000000123456789LL);
    CHECK(p.duration_nanos == 2500000000LL);

    log.path = "log.bin";
    PprofProfile first = build_pprof(log, AllocReport{}, symbols, PprofWhat::Reads);
    log.io_sites.push_back(IoSite{});
    log.io_sites.back().calls = 7;
    log.io_sites.back().bytes_done = 70;
    PprofProfile reads = build_pprof(log, AllocReport{}, symbols, PprofWhat::Reads);
    REQUIRE(reads.samples.size() == 1);
    auto read_labels = labels_of(reads, reads.samples[0]);
    CHECK(read_labels["window"] == "1");
    CHECK(read_labels["pid"] == "4321");
    CHECK(read_labels.count("thread_kind") == 0);  // reads are totals per site, not per thread
    CHECK(first.samples.empty());
}

namespace {

RunSummary window(const std::string& path, double read_calls, double parallelism, bool finding, double cost) {
    RunSummary s;
    s.path = path;
    s.window = path.find(".w") == std::string::npos ? "1" : path.substr(path.find(".w") + 2);
    s.window_base = "log.bin";
    s.pid = 77;
    s.command = "server";
    s.start_realtime_ns = 1700000000000000000ULL + std::stoull(s.window) * 60000000000ULL;
    s.duration_ns = 60000000000ULL;
    s.sections.push_back({"run", "Run", false, {{"read calls", {{"calls", Unit::Count, read_calls, false}}}}});
    SummarySection threads{"threads", "Threads", false, {}};
    if (parallelism > 0) threads.rows.push_back({"average parallelism", {{"threads", Unit::Ratio, parallelism, true}}});
    s.sections.push_back(threads);
    SummarySection findings{"findings", "Findings", true, {}};
    if (finding)
        findings.rows.push_back({"unbuffered-io at readbyte() in words.cpp",
                                 {{"calls", Unit::Count, read_calls, false}, {"cost", Unit::Seconds, cost, false}}});
    s.sections.push_back(findings);
    return s;
}

}  // namespace

TEST_CASE("windows: side by side, in window order, each cell with its change", "[windows]") {
    WindowTable table = tabulate_windows({window("log.bin.w10", 1500, 1.5, true, 0.3), window("log.bin", 20, 0, false, 0),
                                          window("log.bin.w2", 1600, 1.2, true, 0.2)});
    REQUIRE(table.windows.size() == 3);
    CHECK(table.windows[0].path == "log.bin");
    CHECK(table.windows[1].path == "log.bin.w2");
    CHECK(table.windows[2].path == "log.bin.w10");
    REQUIRE(table.rows.size() == 3);
    CHECK(table.rows[0].key == "read calls");
    CHECK(table.rows[0].values == std::vector<double>{20, 1600, 1500});
    CHECK(table.rows[1].key == "average parallelism");
    CHECK(table.rows[1].present == std::vector<bool>{false, true, true});  // window 1 had no samples
    CHECK(table.rows[2].section == "Findings (cost)");
    CHECK(table.rows[2].present == std::vector<bool>{false, true, true});
    CHECK(table.rows[2].values == std::vector<double>{0, 0.2, 0.3});

    std::ostringstream text;
    write_text_windows(table, false, text);
    INFO(text.str());
    CHECK(text.str().find("Windows of log.bin: pid 77 (server)") != std::string::npos);
    CHECK(text.str().find("20") != std::string::npos);
    CHECK(text.str().find("1,600 (\u00d780.0)") != std::string::npos);
    CHECK(text.str().find("1,500 (\u22126.2%)") != std::string::npos);
    CHECK(text.str().find("1.50 (+0.30)") != std::string::npos);
    CHECK(text.str().find("300 ms (+50%)") != std::string::npos);
    CHECK(text.str().find("200 ms (new)") != std::string::npos);  // the finding window 1 did not have
    CHECK(text.str().find("unbuffered-io at readbyte() in words.cpp") != std::string::npos);
    CHECK(text.str().find("22:14:20.000") != std::string::npos);  // 1700000060 s: 2023-11-14 22:14:20 UTC

    std::ostringstream json;
    write_json_windows(table, json);
    CHECK(json.str().find("\"values\":[20,1600,1500]") != std::string::npos);
    CHECK(json.str().find("\"values\":[null,0.2,0.3]") != std::string::npos);
}

TEST_CASE("windows: diff of two windows of one process heads them as windows, with their times", "[windows]") {
    RunSummary first = window("log.bin", 20, 0, false, 0), second = window("log.bin.w2", 1600, 0, true, 0.2);
    CHECK(same_recording(first, second));
    CHECK_FALSE(same_recording(first, first));
    RunSummary other = second;
    other.window_base = "other.bin";
    CHECK_FALSE(same_recording(first, other));
    std::ostringstream text;
    write_text_diff(diff_runs(first, second), 10, false, text);
    INFO(text.str());
    CHECK(text.str().rfind("Two windows of one recording: pid 77 (server)\n"
                           "Window 1:  log.bin  2023-11-14 22:14:20.000 \u2013 22:15:20.000 UTC (60.00 s)\n"
                           "Window 2:  log.bin.w2  2023-11-14 22:15:20.000 \u2013 22:16:20.000 UTC (60.00 s)\n",
                           0) == 0);
    CHECK(text.str().find("read calls                20 \u2192 1,600 (\u00d780.0)") != std::string::npos);
}
