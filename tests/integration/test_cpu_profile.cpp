// The CPU profile end to end: programs whose CPU split is known by
// construction, sampled by the shim, read back through the analyzer's
// exports (folded stacks, the text report, pprof read by `go tool pprof`).
#include <catch2/catch.hpp>

#include <sstream>

#include "harness.h"

using namespace harness;

namespace {

// CPU samples (folded: "outer;...;inner COUNT") of the stacks that pass `keep`,
// and of those, the ones with `frame` on them.
struct Share {
    uint64_t of = 0, with = 0;
    double share() const { return of ? double(with) / double(of) : 0; }
};

bool has_frame(const std::string& stack, const std::string& frame) {
    std::string padded = ";" + stack + ";";
    return padded.find(";" + frame + ";") != std::string::npos;
}

Share folded_share(const std::string& folded, const std::string& keep, const std::string& frame) {
    Share s;
    std::istringstream in(folded);
    std::string line;
    while (std::getline(in, line)) {
        size_t space = line.rfind(' ');
        if (space == std::string::npos) continue;
        std::string stack = line.substr(0, space);
        uint64_t weight = std::stoull(line.substr(space + 1));
        if (!keep.empty() && !has_frame(stack, keep)) continue;
        s.of += weight;
        if (has_frame(stack, frame)) s.with += weight;
    }
    return s;
}

std::string profile(const std::string& command, const std::string& dir, const std::string& hz = "1000") {
    Result traced = run("SHIM_CPU_HZ=" + hz + " SHIM_LOG=" + dir + "/log.bin " + preload() + command + " > /dev/null", dir);
    REQUIRE(traced.status == 0);
    return dir + "/log.bin";
}

std::string folded_cpu(const std::string& log, const std::string& dir) {
    Result folded = run(analyzer_path() + " flame '" + log + "' --what cpu", dir);
    REQUIRE(folded.status == 0);
    return folded.out;
}

}  // namespace

TEST_CASE("cpu_split: heavy() holds ~75% of the work threads' samples, light() ~25%", "[cpu][integration]") {
    std::string dir = scratch_dir("cpu_split_shares");
    // ~6,000 expiries over ~1,500 deliveries (the tick caps them at ~250 a second): a share's
    // sampling error is then ~1.1 points, so the ±5 points hold at ~4.5 sigma (200 gave 0.70 once).
    std::string log = profile(program_path("cpu_split") + " 600", dir);
    std::string folded = folded_cpu(log, dir);
    INFO(folded);
    Share heavy = folded_share(folded, "work", "heavy");
    Share light = folded_share(folded, "work", "light");
    REQUIRE(heavy.of >= 100);  // enough samples to measure a share
    CHECK(heavy.share() == Approx(0.75).margin(0.05));  // the issue's ±5 points
    CHECK(light.share() == Approx(0.25).margin(0.05));

    Result report = run(analyzer_path() + " report '" + log + "'", dir);
    REQUIRE(report.status == 0);
    CHECK(report.out.find("\nCPU profile (") != std::string::npos);
    CHECK(report.out.find("CPU hot spot: ") != std::string::npos);
    CHECK(report.out.find("This is the work itself") != std::string::npos);

    if (run("command -v go", dir).status != 0) {
        WARN("skipped go tool pprof: no go");
        return;
    }
    Result exported = run(analyzer_path() + " pprof '" + log + "' --what cpu -o cpu.pb.gz", dir);
    REQUIRE(exported.status == 0);
    Result top = run("PPROF_TMPDIR='" + dir + "' go tool pprof -top cpu.pb.gz", dir);
    INFO(top.out << top.err);
    REQUIRE(top.status == 0);
    CHECK(top.out.find("Type: cpu") != std::string::npos);
    CHECK(top.out.find("spin") != std::string::npos);
}

// At the default 100 Hz. Four copies of the book: where a read() costs
// ~190 ns one copy is ~240 ms of CPU, under the hot-spot rule's 50 samples.
TEST_CASE("words unbuffered: read() called from readbyte() tops the CPU profile", "[cpu][integration]") {
    std::string dir = scratch_dir("cpu_words_unbuffered");
    REQUIRE(run("for i in 1 2 3 4; do cat '" + book_path() + "'; done > books.txt", dir).status == 0);
    std::string log = profile(words_path() + " --mode unbuffered books.txt", dir, "100");
    Result report = run(analyzer_path() + " report '" + log + "'", dir);
    REQUIRE(report.status == 0);
    INFO(report.out);
    size_t section = report.out.find("\nCPU profile (");
    REQUIRE(section != std::string::npos);
    size_t header = report.out.find("flat%", section);
    REQUIRE(header != std::string::npos);
    size_t first_row = report.out.find('\n', header) + 1;
    std::string top = report.out.substr(first_row, report.out.find('\n', first_row) - first_row);
    CHECK(top.find("  read (the libc call") != std::string::npos);
    CHECK(report.out.find("CPU hot spot: ") != std::string::npos);
    CHECK(report.out.find("called from the program at readbyte()") != std::string::npos);
    CHECK(report.out.find("The unbuffered-I/O finding names the calls to buffer") != std::string::npos);
}

namespace {

// Profiles `command` and checks that ≥ 90% of at least 50 samples have `frame`
// on their stacks; the folded samples, for more checks.
std::string check_nearly_all_samples_have(const std::string& command, const std::string& dir,
                                          const std::string& frame) {
    std::string folded = folded_cpu(profile(command, dir), dir);
    INFO(folded);
    Share share = folded_share(folded, "", frame);
    REQUIRE(share.of >= 50);
    CHECK(share.share() >= 0.9);
    return folded;
}

}  // namespace

TEST_CASE("blocked_waits: threads blocked in waits get no samples, the burners nearly all", "[cpu][integration]") {
    std::string dir = scratch_dir("cpu_blocked_waits");
    std::string folded = check_nearly_all_samples_have(program_path("blocked_waits") + " 0.5", dir, "burn");
    INFO(folded);
    for (const char* wait : {"nanosleep", "clock_nanosleep", "sem_wait", "pthread_cond_timedwait", "poll", "select"})
        CHECK(folded_share(folded, "", wait).share() < 0.05);
}

TEST_CASE("the profile's timers leave the program its pending-signal quota", "[cpu][safety][integration]") {
    // 300 threads alive at once under a quota of 400: a timer per thread would
    // leave the program fewer than the 200 timers it creates itself.
    std::string dir = scratch_dir("cpu_sigpending_quota");
    std::string command = "prlimit --sigpending=400 " + program_path("sigpending_quota") + " 300 200";
    Result bare = run(command, dir);
    REQUIRE(bare.status == 0);
    Result traced = run("SHIM_LOG=" + dir + "/log.bin " + preload() + command, dir);
    CHECK(traced.out == bare.out);
    CHECK(traced.status == 0);
    Result report = run(analyzer_path() + " report log.bin", dir);
    CHECK(report.out.find("Note:     CPU profile: more threads were alive at once than the profile arms timers for") !=
          std::string::npos);
}

// Threads started before the program allocated anything: their samples
// have whole stacks, work() under spin() (a sample without a stack has the
// interrupted function alone). A thread the shim starts gets libunwind's
// thread-local block at its start (alloc_stacks.h); libunwind is loaded by
// then, for the thread's creation site.
TEST_CASE("threads made before any allocation are sampled with whole stacks", "[cpu][integration]") {
    check_nearly_all_samples_have(program_path("threads_first") + " 300", scratch_dir("cpu_threads_first"), "work");
}
