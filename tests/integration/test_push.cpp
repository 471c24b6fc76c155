// `analyzer push` against a stand-in backend (tests/tools/ingest_server.py)
// that checks each request against Pyroscope's or Parca's documented protocol
// and keeps the uploaded profile, read back here by `go tool pprof` (an
// independent decoder); and the labels `analyzer pprof` gives every sample.
// Failures: a 500 answer, a closed port, a server that never answers.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <ctime>

#include "harness.h"

using namespace harness;

namespace {

bool have_go(const std::string& dir) { return run("command -v go", dir).status == 0; }

// A words run reading byte by byte: 1,270,331 read calls, the log copied to
// log.bin.w2 so that it reads as the recording's second window.
std::string second_window_log(const std::string& dir) {
    Result traced = run(preload() + words_path() + " --mode unbuffered '" + book_path() + "' && mv log.bin log.bin.w2", dir);
    REQUIRE(traced.status == 0);
    return dir + "/log.bin.w2";
}

// Starts the stand-in server in the background; its port once it listens.
std::string start_server(const std::string& mode, const std::string& dir, int seconds = 60) {
    std::string script = repo_root() + "/tests/tools/ingest_server.py";
    run("rm -f port && python3 '" + script + "' --mode " + mode + " --port-file port --out . --seconds " +
            std::to_string(seconds) + " >server.log 2>&1 &",
        dir);
    Result port = run("for i in $(seq 200); do [ -f port ] && break; sleep 0.05; done; cat port", dir);
    REQUIRE(port.status == 0);
    REQUIRE(!port.out.empty());
    return port.out;
}

// Waits for the one-request server to have exited (it writes request.json first).
void wait_for_server(const std::string& dir) {
    run("for i in $(seq 200); do pgrep -f \"port-file port --out . \" >/dev/null || break; sleep 0.05; done", dir);
}

std::string sha(const std::string& path, const std::string& dir) { return run("sha256sum '" + path + "'", dir).out; }

std::string raw(const std::string& profile, const std::string& dir) {
    Result r = run("PPROF_TMPDIR='" + dir + "' go tool pprof -raw '" + profile + "'", dir);
    REQUIRE(r.status == 0);
    return r.out;
}

}  // namespace

TEST_CASE("pprof: labels pid, command, window (from the log's name) and the time range", "[push][pprof][integration]") {
    std::string dir = scratch_dir("pprof_labels");
    if (!have_go(dir)) {
        WARN("skipped: `go` is not installed (Debian package golang-go)");
        return;
    }
    std::string log = second_window_log(dir);
    REQUIRE(run(analyzer_path() + " pprof log.bin.w2 --what reads -o reads.pb.gz", dir).status == 0);
    Result tags = run("PPROF_TMPDIR='" + dir + "' go tool pprof -tags reads.pb.gz", dir);
    REQUIRE(tags.status == 0);
    INFO(tags.out);
    CHECK(tags.out.find(" window: Total 1270331.0\n         1270331.0 (  100%): 2\n") != std::string::npos);
    CHECK(tags.out.find("1270331.0 (  100%): words\n") != std::string::npos);
    CHECK(tags.out.find(" pid: Total 1270331.0") != std::string::npos);

    REQUIRE(run(analyzer_path() + " pprof log.bin.w2 --what cpu -o cpu.pb.gz", dir).status == 0);
    std::string cpu = raw(dir + "/cpu.pb.gz", dir);
    INFO(cpu);
    CHECK(cpu.find("thread_kind:[main thread]") != std::string::npos);
    CHECK(cpu.find("window:[2]") != std::string::npos);
    // The time range: the run's start, this year, and a duration.
    char year[8];
    time_t now = time(nullptr);
    strftime(year, sizeof year, "%Y", gmtime(&now));
    CHECK(cpu.find(std::string("Time: ") + year + "-") != std::string::npos);
    CHECK(cpu.find("Duration: ") != std::string::npos);
}

TEST_CASE("push: Pyroscope's ingest gets the profile, its labels and time range", "[push][integration]") {
    std::string dir = scratch_dir("push_pyroscope");
    if (!have_go(dir)) {
        WARN("skipped: `go` is not installed (Debian package golang-go)");
        return;
    }
    std::string log = second_window_log(dir);
    std::string before = sha(log, dir);
    std::string port = start_server("pyroscope", dir);
    Result pushed = run(analyzer_path() + " push log.bin.w2 --pyroscope http://127.0.0.1:" + port +
                            " --app words-test --tenant team-a --what reads",
                        dir);
    INFO(pushed.err);
    REQUIRE(pushed.status == 0);
    CHECK(pushed.out.find("pushed reads profile of log.bin.w2") != std::string::npos);
    wait_for_server(dir);
    std::string request = read_file(dir + "/request.json");
    INFO(request);
    CHECK(request.find("\"problems\": []") != std::string::npos);
    CHECK(request.find("\"app\": \"words-test\"") != std::string::npos);
    CHECK(request.find("\"window\": \"2\"") != std::string::npos);
    CHECK(request.find("\"command\": \"words\"") != std::string::npos);
    CHECK(request.find("\"x-scope-orgid\": \"team-a\"") != std::string::npos);
    CHECK(request.find("\"read_calls\": {") != std::string::npos);  // the sample_type_config part
    // from/until: UNIX seconds around a run of well under a minute, now-ish.
    auto field = [&](const std::string& key) {
        size_t at = request.find("\"" + key + "\": \"");
        REQUIRE(at != std::string::npos);
        return std::strtoull(request.c_str() + at + key.size() + 5, nullptr, 10);
    };
    unsigned long long from = field("from"), until = field("until");
    CHECK(until > from);
    CHECK(until - from <= 60);
    CHECK(from + 3600 > static_cast<unsigned long long>(time(nullptr)));
    // The profile that arrived is the one `analyzer pprof` writes.
    REQUIRE(run(analyzer_path() + " pprof log.bin.w2 --what reads -o local.pb.gz", dir).status == 0);
    std::string arrived = raw(dir + "/profile.pb.gz", dir);
    CHECK(arrived == raw(dir + "/local.pb.gz", dir));
    CHECK(arrived.find("1270331") != std::string::npos);
    CHECK(arrived.find("window:[2]") != std::string::npos);
    CHECK(sha(log, dir) == before);
}

TEST_CASE("push: Parca's WriteRaw gets a series named by the kind of profile", "[push][integration]") {
    std::string dir = scratch_dir("push_parca");
    if (!have_go(dir)) {
        WARN("skipped: `go` is not installed (Debian package golang-go)");
        return;
    }
    std::string log = second_window_log(dir);
    std::string port = start_server("parca", dir);
    Result pushed = run(analyzer_path() + " push log.bin.w2 --parca http://127.0.0.1:" + port + "/ --what reads", dir);
    INFO(pushed.err);
    REQUIRE(pushed.status == 0);
    wait_for_server(dir);
    std::string request = read_file(dir + "/request.json");
    INFO(request);
    CHECK(request.find("\"problems\": []") != std::string::npos);
    CHECK(request.find("\"__name__\": \"reads\"") != std::string::npos);
    CHECK(request.find("\"job\": \"words\"") != std::string::npos);
    CHECK(request.find("\"window\": \"2\"") != std::string::npos);
    std::string arrived = raw(dir + "/profile.pb.gz", dir);
    CHECK(arrived.find("read_calls/count[dflt] read_bytes/bytes") != std::string::npos);
    CHECK(arrived.find("1270331") != std::string::npos);
}

TEST_CASE("push: a 500 answer, a closed port, a server that never answers: one line, status 2, the log untouched",
          "[push][integration]") {
    std::string dir = scratch_dir("push_failures");
    std::string log = second_window_log(dir);
    std::string before = sha(log, dir);

    std::string port = start_server("fail500", dir);
    Result failed = run(analyzer_path() + " push log.bin.w2 --pyroscope http://127.0.0.1:" + port, dir);
    CHECK(failed.status == 2);
    CHECK(failed.out.empty());
    CHECK(failed.err == "analyzer: push to http://127.0.0.1:" + port +
                            " failed: HTTP 500: internal error: the store is down\n");
    wait_for_server(dir);

    // A port nothing listens on: bound, then closed again.
    Result free_port = run("python3 -c 'import socket; s = socket.socket(); s.bind((\"127.0.0.1\", 0)); "
                           "print(s.getsockname()[1]); s.close()'",
                           dir);
    REQUIRE(free_port.status == 0);
    std::string closed = free_port.out.substr(0, free_port.out.find('\n'));
    Result refused = run(analyzer_path() + " push log.bin.w2 --parca http://127.0.0.1:" + closed, dir);
    CHECK(refused.status == 2);
    CHECK(refused.out.empty());
    CHECK(refused.err.rfind("analyzer: push to http://127.0.0.1:" + closed + " failed: ", 0) == 0);
    CHECK(refused.err.find("onnect") != std::string::npos);
    CHECK(std::count(refused.err.begin(), refused.err.end(), '\n') == 1);

    port = start_server("hang", dir, 5);
    time_t start = time(nullptr);
    Result timed_out = run(analyzer_path() + " push log.bin.w2 --pyroscope http://127.0.0.1:" + port + " --timeout 1", dir);
    CHECK(time(nullptr) - start < 5);
    CHECK(timed_out.status == 2);
    CHECK(timed_out.err.find("timed out") != std::string::npos);
    CHECK(std::count(timed_out.err.begin(), timed_out.err.end(), '\n') == 1);
    wait_for_server(dir);

    Result no_backend = run(analyzer_path() + " push log.bin.w2", dir);
    CHECK(no_backend.status == 2);
    CHECK(no_backend.err == "analyzer: push needs one backend: --pyroscope URL or --parca URL\n");
    CHECK(sha(log, dir) == before);
}
