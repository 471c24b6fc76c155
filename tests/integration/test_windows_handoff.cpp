// Blocks handed over between recording windows (tests/programs/handoff_blocks.c):
// allocated and kept in one window, freed in the next. The next window's log
// lists them as live at its start, so their frees are of known blocks, its
// peak counts from them, and the blocks held across it are told apart from
// those it allocated; a snapshot gives the heap in use by site. Every figure
// is checked against the program's own tallies.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <thread>
#include <unistd.h>

#include "analysis.h"
#include "harness.h"
#include "piped_program.h"

using namespace harness;

namespace {

// The program's answer to one command: "done keep a blocks=100 bytes=100000 kept=100 kept_bytes=100000".
struct Done {
    long blocks = 0, bytes = 0, kept = 0, kept_bytes = 0;
};

// handoff_blocks running in `dir` with `env`.
class Program : public PipedProgram {
public:
    Program(const std::string& dir, const std::string& env)
        : PipedProgram(dir, env, program_path("handoff_blocks")) {}
    Done send(const std::string& command) {
        Done d;
        sscanf(PipedProgram::send(command).c_str(), "done %*s %*s blocks=%ld bytes=%ld kept=%ld kept_bytes=%ld",
               &d.blocks, &d.bytes, &d.kept, &d.kept_bytes);
        return d;
    }
};

std::string ctl(long pid, const std::string& action, const std::string& dir) {
    Result r = run(analyzer_path() + " ctl " + std::to_string(pid) + " " + action, dir);
    CHECK(r.status == 0);
    return r.out;
}

// The heap-by-site row of one of the program's sites (alloc_a, alloc_b, alloc_c).
const analyzer::HeapSite* heap_row(const Analysis& a, const std::string& function) {
    for (const analyzer::HeapSite& row : a.run->analysis.heap_sites)
        if (row.site.find(function + " at ") == 0) return &row;
    return nullptr;
}

void check_row(const Analysis& a, const std::string& function, uint64_t blocks, uint64_t bytes, uint64_t held_bytes) {
    INFO(function);
    const analyzer::HeapSite* row = heap_row(a, function);
    REQUIRE(row != nullptr);
    CHECK(row->blocks == blocks);
    CHECK(row->bytes == bytes);
    CHECK(row->held_bytes == held_bytes);
}

}  // namespace

TEST_CASE("blocks kept across a ctl stop/start are listed at window 2's start and freed there as known blocks",
          "[windows][integration]") {
    std::string dir = scratch_dir("windows_handoff");
    Program p(dir, "SHIM_START=paused " + preload());
    CHECK(ctl(p.pid, "start", dir) == "recording window 1: " + dir + "/log.bin\n");
    Done a = p.send("keep a 100 1000");
    Done b = p.send("keep b 20 5000");
    CHECK(ctl(p.pid, "stop", dir) == "window 1 complete: " + dir + "/log.bin\n");
    Done paused = p.send("keep c 3 700");  // while paused: never seen
    CHECK(ctl(p.pid, "start", dir) == "recording window 2: " + dir + "/log.bin.w2\n");
    Done c = p.send("keep c 10 2000");
    Done freed_a = p.send("free a 50");
    Done freed_b = p.send("free b 5");
    CHECK(ctl(p.pid, "snapshot", dir) == "snapshot 1 complete: " + dir + "/log.bin.s1\n");
    Done more_a = p.send("free a 10");
    CHECK(ctl(p.pid, "stop", dir) == "window 2 complete: " + dir + "/log.bin.w2\n");
    CHECK(p.quit() == 0);

    // The program's tallies.
    CHECK(a.bytes + b.bytes == 200000);
    CHECK(b.kept == 120);
    CHECK(paused.kept == 123);
    CHECK(freed_b.kept_bytes == 145000 + 3 * 700);

    Analysis w2 = analyze(dir + "/log.bin.w2");
    CHECK_FALSE(w2.log.partial);
    const analyzer::AllocReport& r = w2.run->analysis.allocs;
    // Handed over: window 1's kept blocks, exactly (the paused ones are not known).
    REQUIRE(w2.log.live_at_start.present);
    CHECK(w2.log.live_at_start.after_pause());
    CHECK(r.start_blocks == uint64_t(b.kept));
    CHECK(r.start_bytes == uint64_t(b.kept_bytes));
    CHECK(r.frees == uint64_t(freed_a.blocks + freed_b.blocks + more_a.blocks));
    CHECK(r.unknown_frees == 0);
    CHECK(r.lost_frees == 0);
    CHECK(r.start_freed == uint64_t(freed_a.blocks + freed_b.blocks + more_a.blocks));
    CHECK(r.start_freed_bytes == uint64_t(freed_a.bytes + freed_b.bytes + more_a.bytes));
    CHECK(r.held_across == uint64_t(b.kept - r.start_freed));
    CHECK(r.held_across_bytes == uint64_t(b.kept_bytes - freed_a.bytes - freed_b.bytes - more_a.bytes));
    // Allocated in the window and not freed: site c's ten.
    CHECK(r.allocations == uint64_t(c.blocks));
    CHECK(r.live_allocations == uint64_t(c.blocks));
    CHECK(r.live_bytes == uint64_t(c.bytes));
    // The peak: what was live at the start, plus c's blocks before any free.
    CHECK(r.peak_bytes == uint64_t(b.kept_bytes + c.bytes));
    check_row(w2, "alloc_a", 40, 40000, 40000);
    check_row(w2, "alloc_b", 15, 75000, 75000);
    check_row(w2, "alloc_c", 10, 20000, 0);

    // The snapshot: the heap in use by site at that moment.
    Analysis s1 = analyze(dir + "/log.bin.s1");
    CHECK(s1.log.end.reason == shimlog::EndReason::Snapshot);
    CHECK(s1.run->analysis.allocs.unknown_frees == 0);
    check_row(s1, "alloc_a", 50, 50000, 50000);
    check_row(s1, "alloc_b", 15, 75000, 75000);
    check_row(s1, "alloc_c", 10, 20000, 0);
    CHECK(s1.run->analysis.allocs.held_across_bytes == 125000);

    // Window 1 had nothing before it.
    Analysis w1 = analyze(dir + "/log.bin");
    CHECK(w1.run->analysis.allocs.start_blocks == 0);
    CHECK(w1.run->analysis.allocs.live_allocations == uint64_t(b.kept));

    // The report says it, in text and in JSON that fits the schema.
    Result text = run(analyzer_path() + " report log.bin.w2", dir);
    CHECK(text.out.find("Live when the window opened: 120 blocks, 195 KiB (allocated before it); 65 freed in it") !=
          std::string::npos);
    CHECK(text.out.find("Not seen: blocks allocated while no window was open") != std::string::npos);
    CHECK(text.out.find("Heap in use by site when the window ends") != std::string::npos);
    CHECK(text.out.find("of blocks allocated before tracing began") == std::string::npos);
    REQUIRE(run(analyzer_path() + " report --format html log.bin.w2 > w2.html", dir).status == 0);
    std::string html = read_file(dir + "/w2.html");
    CHECK(html.find("Heap in use by site at the window's end") != std::string::npos);
    CHECK(html.find("held across the window (55 of those") != std::string::npos);
    REQUIRE(run(analyzer_path() + " report --format json log.bin.s1 > s1.json", dir).status == 0);
    Result fits = check_report_schema("s1.json", dir);
    CHECK(fits.status == 0);
    CHECK(read_file(dir + "/s1.json").find("\"live_at_start\":{\"blocks\":120,") != std::string::npos);
}

TEST_CASE("a SHIM_PERIOD cut hands the blocks live at it to the next window, with no pause", "[windows][integration]") {
    std::string dir = scratch_dir("windows_handoff_period");
    Program p(dir, "SHIM_PERIOD=1 " + preload());
    Done a = p.send("keep a 100 1000");
    for (int i = 0; i < 300 && access((dir + "/log.bin.w2").c_str(), F_OK) != 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    REQUIRE(access((dir + "/log.bin.w2").c_str(), F_OK) == 0);
    Done freed = p.send("free a 30");
    CHECK(p.quit() == 0);
    CHECK(a.kept == 100);

    Analysis w2 = analyze(dir + "/log.bin.w2");
    REQUIRE(w2.log.window.present);
    CHECK(w2.log.window.opened_by == shimlog::WindowCause::Period);
    REQUIRE(w2.log.live_at_start.present);
    CHECK_FALSE(w2.log.live_at_start.after_pause());
    const analyzer::AllocReport& r = w2.run->analysis.allocs;
    // Recording from the start, window 1 also kept libc's stdio buffers: at least the program's 100.
    CHECK(r.start_blocks >= uint64_t(a.kept));
    CHECK(r.start_bytes >= uint64_t(a.kept_bytes));
    CHECK(r.unknown_frees == 0);
    CHECK(r.start_freed == uint64_t(freed.blocks));
    CHECK(r.start_freed_bytes == uint64_t(freed.bytes));
    check_row(w2, "alloc_a", 70, 70000, 70000);
    CHECK(r.peak_bytes == r.start_bytes);  // the window only freed
}
