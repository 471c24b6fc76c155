// The contended waits' exports of a real run: waits_cases handshake N under
// the shim, where the program itself makes every round's wait contended (the
// waiter blocks on the mutex the main thread holds, then the main thread
// releases it in holder_releases()), so the log has exactly N mutex waits and
// N releases that had waiters. The folded stacks, the pprof profiles (read by
// `go tool pprof`) and the Chrome trace must carry those N waits and the log's
// exact wait time, under the mutex's own name.
#include <catch2/catch.hpp>

#include <sstream>

#include "analysis.h"
#include "harness.h"

using namespace harness;

namespace {

const int kRounds = 200;
const char* const kMutexFrame = "[mutex handshake in waits_cases.c]";

// The log's totals for the handshake mutex: contended waits, and ns blocked.
struct MutexTotals {
    uint64_t waits = 0, wait_ns = 0, releases = 0, delay_ns = 0;
    uint64_t all_wait_ns = 0;  // every kind (the main thread's join too, when it blocked)
    uint64_t all_waits = 0;
};

MutexTotals totals_of(const analyzer::Log& log) {
    MutexTotals t;
    for (const analyzer::WaitSite& s : log.waits.sites) {
        t.all_wait_ns += s.wait_ns;
        t.all_waits += s.waits;
        if (s.kind != shimlog::WaitKind::Mutex) continue;
        t.waits += s.waits;
        t.wait_ns += s.wait_ns;
    }
    for (const analyzer::LockHolder& h : log.waits.holders) t.releases += h.releases, t.delay_ns += h.delay_ns;
    return t;
}

// The folded lines' weights summed, and those whose innermost frame is `leaf`.
void folded_sums(const std::string& folded, const std::string& leaf, uint64_t& all, uint64_t& at_leaf,
                 std::string& leaf_line) {
    std::istringstream lines(folded);
    std::string line;
    all = at_leaf = 0;
    while (std::getline(lines, line)) {
        size_t space = line.rfind(' ');
        REQUIRE(space != std::string::npos);
        uint64_t weight = std::stoull(line.substr(space + 1));
        all += weight;
        if (line.compare(space - leaf.size(), leaf.size(), leaf) == 0) at_leaf += weight, leaf_line = line;
    }
}

// `go tool pprof -top` with delays in ns (and counts shown as "200ns": -unit applies to every type).
std::string pprof_top(const std::string& profile, const std::string& sample_index, const std::string& dir) {
    Result top = run("PPROF_TMPDIR='" + dir + "' go tool pprof -top -unit=ns -sample_index=" + sample_index + " '" +
                         profile + "'",
                     dir);
    INFO(top.err);
    REQUIRE(top.status == 0);
    return top.out;
}

// The top row, "flat flat% sum% cum cum% name", its leading spaces removed.
std::string first_row(const std::string& top) {
    size_t header = top.find("      flat  flat%");
    REQUIRE(header != std::string::npos);
    size_t start = top.find('\n', header) + 1;
    size_t first = top.find_first_not_of(' ', start);  // flat, right-aligned
    return top.substr(first, top.find('\n', start) - first);
}

}  // namespace

TEST_CASE("waits exports: handshake's mutex waits in the flame graph, pprof and the trace, with the log's totals",
          "[waits][exports][integration]") {
    std::string dir = scratch_dir("wait_exports_handshake");
    Result traced = run(preload() + program_path("waits_cases") + " handshake " + std::to_string(kRounds), dir);
    REQUIRE(traced.status == 0);
    std::string log_path = dir + "/log.bin";
    Analysis a = analyze(log_path);
    REQUIRE(a.log.ticks_calibrated);
    MutexTotals t = totals_of(a.log);
    // The program's own tally: one contended wait and one release with a waiter per round.
    REQUIRE(t.waits == uint64_t(kRounds));
    REQUIRE(t.releases == uint64_t(kRounds));
    // Each round the main thread holds the mutex through a usleep(200) while the waiter blocks.
    CHECK(t.wait_ns >= uint64_t(kRounds) * 200000);
    CHECK(t.delay_ns == t.wait_ns);  // every wait was ended by a release at holder_releases()

    SECTION("flame: the total is the log's wait time, the mutex innermost under the waiter") {
        Result flame = run(analyzer_path() + " flame '" + log_path + "' --what waits", dir);
        INFO(flame.out << flame.err);
        REQUIRE(flame.status == 0);
        uint64_t all = 0, at_mutex = 0;
        std::string line;
        folded_sums(flame.out, kMutexFrame, all, at_mutex, line);
        CHECK(all == t.all_wait_ns);
        CHECK(at_mutex == t.wait_ns);
        CHECK(line.find(";handshake_waiter;") != std::string::npos);

        Result svg = run(analyzer_path() + " flame '" + log_path + "' --what waits -o waits.svg", dir);
        REQUIRE(svg.status == 0);
        std::string drawn = read_file(dir + "/waits.svg");
        CHECK(drawn.compare(0, 4, "<svg") == 0);
        CHECK(drawn.find(kMutexFrame) != std::string::npos);
        CHECK(drawn.find("Time blocked in waits") != std::string::npos);
    }

    SECTION("pprof: go tool pprof ranks the mutex first, with N contentions and the log's delay") {
        for (const char* what : {"waits", "lock-holders"}) {
            Result made = run(analyzer_path() + " pprof '" + log_path + "' --what " + what + " -o " + what + ".pb.gz", dir);
            INFO(what << "\n" << made.err);
            REQUIRE(made.status == 0);
        }
        if (run("command -v go", dir).status != 0) {
            WARN("skipped go tool pprof: no go");
            return;
        }
        std::string block = pprof_top(dir + "/waits.pb.gz", "delay", dir);
        INFO(block);
        CHECK(block.find("Type: delay") != std::string::npos);
        CHECK(block.find("Total samples = " + std::to_string(t.all_wait_ns) + "ns") != std::string::npos);
        CHECK(first_row(block).find(std::to_string(t.wait_ns) + "ns") == 0);
        CHECK(first_row(block).find(kMutexFrame) != std::string::npos);
        std::string block_count = pprof_top(dir + "/waits.pb.gz", "contentions", dir);
        CHECK(first_row(block_count).find(std::to_string(kRounds) + "ns") != std::string::npos);  // -unit=ns on a count

        // The mutex profile: the same delay, charged where the holder released it.
        std::string holders = pprof_top(dir + "/lock-holders.pb.gz", "delay", dir);
        INFO(holders);
        CHECK(holders.find("Total samples = " + std::to_string(t.delay_ns) + "ns") != std::string::npos);
        CHECK(first_row(holders).find(kMutexFrame) != std::string::npos);
        CHECK(holders.find("holder_releases") != std::string::npos);
        CHECK(holders.find("handshake_waiter") == std::string::npos);
        std::string holder_count = pprof_top(dir + "/lock-holders.pb.gz", "contentions", dir);
        CHECK(holder_count.find("Total samples = " + std::to_string(kRounds) + "ns") != std::string::npos);
    }

    SECTION("trace: a slice per wait on the waiter's track, their lengths summing to the log's") {
        Result made = run(analyzer_path() + " timeline '" + log_path + "' -o trace.json", dir);
        INFO(made.err);
        REQUIRE(made.status == 0);
        // Per name: slices, their summed length in ns, and the tracks they are on.
        Result read = run("python3 -c '"
                          "import json,collections\n"
                          "d=json.load(open(\"trace.json\"))\n"
                          "w=[e for e in d[\"traceEvents\"] if e.get(\"cat\")==\"wait\"]\n"
                          "by=collections.defaultdict(list)\n"
                          "for e in w: by[e[\"name\"]].append(e)\n"
                          "for n,es in sorted(by.items()):\n"
                          "  print(n+\"|\"+str(len(es))+\"|\"+str(round(sum(e[\"dur\"] for e in es)*1000))+\"|\"+"
                          "\",\".join(sorted({str(e[\"args\"][\"tid\"]) for e in es}))+\"|\"+"
                          "\",\".join(sorted({e[\"args\"][\"site\"] for e in es})))\n'",
                          dir);
        INFO(read.out << read.err);
        REQUIRE(read.status == 0);
        std::string mutex_row;
        std::istringstream rows(read.out);
        for (std::string row; std::getline(rows, row);)
            if (row.rfind("mutex handshake in waits_cases.c|", 0) == 0) mutex_row = row;
        REQUIRE(!mutex_row.empty());
        std::vector<std::string> fields;
        std::istringstream cells(mutex_row);
        for (std::string cell; std::getline(cells, cell, '|');) fields.push_back(cell);
        REQUIRE(fields.size() == 5);
        CHECK(fields[1] == std::to_string(kRounds));
        // The trace writes µs with decimals: the sum is the log's to within a ns a slice.
        CHECK(std::llabs(std::stoll(fields[2]) - int64_t(t.wait_ns)) <= kRounds);
        CHECK(fields[3].find(',') == std::string::npos);  // one waiting thread
        CHECK(fields[4].find("handshake_waiter at tests/programs/waits_cases.c:") == 0);
    }
}

TEST_CASE("waits exports: wordfreq locked's mutex named by its variable, its waits inside their threads' slices",
          "[waits][exports][integration]") {
    std::string dir = scratch_dir("wait_exports_wordfreq");
    Result traced = run(preload() + repo_root() + "/workloads/wordfreq --mode locked -t 4 " + book_path(), dir);
    REQUIRE(traced.status == 0);
    std::string log_path = dir + "/log.bin";
    Analysis a = analyze(log_path);
    MutexTotals t = totals_of(a.log);
    REQUIRE(t.waits > 0);  // four threads on two cores, one mutex around every word

    Result flame = run(analyzer_path() + " flame '" + log_path + "' --what waits", dir);
    REQUIRE(flame.status == 0);
    uint64_t all = 0, at_mutex = 0;
    std::string line;
    folded_sums(flame.out, "[mutex counts_mutex in wordfreq.cpp]", all, at_mutex, line);
    INFO(flame.out);
    CHECK(all == t.all_wait_ns);
    CHECK(at_mutex == t.wait_ns);  // every mutex wait is on that one global
    CHECK(line.find("count_locked") != std::string::npos);

    Result made = run(analyzer_path() + " timeline '" + log_path + "' -o trace.json", dir);
    REQUIRE(made.status == 0);
    // Every wait on the track of its thread's slice and inside it, as the viewer nests them.
    Result nested = run("python3 -c '"
                        "import json\n"
                        "ev=json.load(open(\"trace.json\"))[\"traceEvents\"]\n"
                        "th={e[\"args\"][\"tid\"]:e for e in ev if e[\"ph\"]==\"X\" and \"ended\" in e.get(\"args\",{})}\n"
                        "ws=[e for e in ev if e.get(\"cat\")==\"wait\"]\n"
                        "bad=[w for w in ws if w[\"args\"][\"tid\"] not in th or w[\"tid\"]!=th[w[\"args\"][\"tid\"]][\"tid\"]"
                        " or w[\"ts\"]<th[w[\"args\"][\"tid\"]][\"ts\"]"
                        " or w[\"ts\"]+w[\"dur\"]>th[w[\"args\"][\"tid\"]][\"ts\"]+th[w[\"args\"][\"tid\"]][\"dur\"]+1e-3]\n"
                        "print(len(ws),len(bad))\n'",
                        dir);
    INFO(nested.err);
    REQUIRE(nested.status == 0);
    CHECK(nested.out == std::to_string(a.log.waits.events.size()) + " 0\n");
}

TEST_CASE("waits exports: a timed-out timedlock marked in the trace, a barrier named by its variable",
          "[waits][exports][integration]") {
    std::string source = repo_root() + "/tests/programs/waits_cases.c";
    {
        std::string dir = scratch_dir("wait_exports_timedlock");
        REQUIRE(run(preload() + program_path("waits_cases") + " timedlock", dir).status == 0);
        REQUIRE(run(analyzer_path() + " timeline log.bin -o trace.json", dir).status == 0);
        Result read = run("python3 -c '"
                          "import json\n"
                          "for e in json.load(open(\"trace.json\"))[\"traceEvents\"]:\n"
                          "  if e.get(\"cat\")==\"wait\" and e[\"args\"][\"kind\"]==\"mutex\":\n"
                          "    print(e[\"name\"], e[\"args\"][\"timed_out\"], e[\"dur\"]>=20000, e[\"args\"][\"site\"])\n'",
                          dir);
        INFO(read.err);
        // The program gives up after 20 ms on a mutex another thread holds.
        CHECK(read.out == "mutex held in waits_cases.c True True timedlock_case at tests/programs/waits_cases.c:" +
                              std::to_string(line_of(source, "int r = pthread_mutex_timedlock(&held")) + "\n");
    }
    {
        std::string dir = scratch_dir("wait_exports_barrier");
        REQUIRE(run(preload() + program_path("waits_cases") + " barrier", dir).status == 0);
        Result flame = run(analyzer_path() + " flame log.bin --what waits", dir);
        INFO(flame.out);
        REQUIRE(flame.status == 0);
        CHECK(flame.out.find(";[barrier barrier in waits_cases.c] ") != std::string::npos);  // the kind, then the variable
    }
}
