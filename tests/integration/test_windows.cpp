// Recording windows (SHIM_START, analyzer ctl): a program that serves
// requests until told to stop (tests/programs/serve_requests.c), started
// paused, recorded in windows opened and closed while it runs; each window's
// log holds exactly what the program counted itself meanwhile.
#include <catch2/catch.hpp>

#include <csignal>
#include <chrono>
#include <cstdio>
#include <map>
#include <thread>
#include <unistd.h>

#include "analysis.h"
#include "harness.h"
#include "piped_program.h"

using namespace harness;

namespace {

// The program's own count of one command: "done big requests=50 allocs=50 ...".
struct Tally {
    long allocs = 0, bytes = 0, frees = 0, reads = 0, read_bytes = 0;
    Tally& operator+=(const Tally& o) {
        allocs += o.allocs, bytes += o.bytes, frees += o.frees, reads += o.reads, read_bytes += o.read_bytes;
        return *this;
    }
};

Tally parse_tally(const std::string& line) {
    Tally t;
    sscanf(line.c_str(), "done %*s requests=%*d allocs=%ld bytes=%ld frees=%ld reads=%ld read_bytes=%ld", &t.allocs,
           &t.bytes, &t.frees, &t.reads, &t.read_bytes);
    return t;
}

// serve_requests running in `dir` with `env`, reading data.bin.
class Server : public PipedProgram {
public:
    // args " --fork": the server forks at once and its child serves (a prefork server's worker).
    Server(const std::string& dir, const std::string& env, const std::string& args = "")
        : PipedProgram(dir, env, with_data(dir) + args) {}
    // Sends one command and waits for its "done" line: the program's tally.
    Tally run(const std::string& phase, int requests) {
        return parse_tally(send("run " + phase + " " + std::to_string(requests)));
    }

private:
    static std::string with_data(const std::string& dir) {
        write_file(dir + "/data.bin", std::string(8192, 'x'));
        return program_path("serve_requests") + " data.bin";
    }
};

Result ctl(long pid, const std::string& action, const std::string& dir, const std::string& extra = "") {
    return run(analyzer_path() + " ctl " + std::to_string(pid) + " " + action + extra, dir);
}

bool exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

// The pread64 calls and bytes a window's log counted.
std::pair<uint64_t, uint64_t> preads(const analyzer::Log& log) {
    uint64_t calls = 0, bytes = 0;
    for (const analyzer::IoSite& site : log.io_sites)
        if (site.syscall == shimlog::Syscall::pread64) calls += site.calls, bytes += site.bytes_done;
    return {calls, bytes};
}

// The blocks a window's log lists as live at its start, allocated before it.
struct Handed {
    uint64_t blocks = 0, bytes = 0;
};

void check_window(const std::string& path, uint32_t index, const Tally& expected, Handed handed = {}) {
    INFO("window " << index << ": " << path);
    Analysis a = analyze(path);
    CHECK_FALSE(a.log.partial);
    REQUIRE(a.log.end.present);
    CHECK(a.log.end.reason == shimlog::EndReason::WindowClosed);
    REQUIRE(a.log.window.present);
    CHECK(a.log.window.index == index);
    CHECK(a.log.window.opened_by == shimlog::WindowCause::CtlStart);
    CHECK(a.log.window.closed_by == shimlog::WindowCause::CtlStop);
    CHECK(a.log.window.heap_at_start > 0);
    const analyzer::AllocReport& allocs = a.run->analysis.allocs;
    CHECK(allocs.allocations == uint64_t(expected.allocs));
    CHECK(allocs.bytes == uint64_t(expected.bytes));
    CHECK(allocs.frees == uint64_t(expected.frees));
    CHECK(allocs.unknown_frees == 0);
    CHECK(allocs.live_allocations == uint64_t(expected.allocs - expected.frees));
    CHECK(preads(a.log) == std::make_pair(uint64_t(expected.reads), uint64_t(expected.read_bytes)));
    // Opened by ctl start after a pause: the list says blocks of the pause are not known.
    REQUIRE(a.log.live_at_start.present);
    CHECK(a.log.live_at_start.after_pause());
    CHECK_FALSE(a.log.live_at_start.incomplete());
    CHECK(allocs.start_blocks == handed.blocks);
    CHECK(allocs.start_bytes == handed.bytes);
    CHECK(allocs.lost_frees == 0);
    CHECK(allocs.start_freed_unseen == 0);
}

}  // namespace

TEST_CASE("paused start, two windows by ctl, each holding exactly the program's own tallies", "[windows][integration]") {
    std::string dir = scratch_dir("windows_ctl");
    Server server(dir, "SHIM_START=paused " + preload());
    server.run("small", 100);  // paused: not recorded anywhere
    Result status = ctl(server.pid, "status", dir);
    CHECK(status.status == 0);
    CHECK(status.out == "paused: no window yet (the first will be " + dir + "/log.bin)\n");
    CHECK_FALSE(exists(dir + "/log.bin"));

    Result start = ctl(server.pid, "start", dir);
    CHECK(start.status == 0);
    CHECK(start.out == "recording window 1: " + dir + "/log.bin\n");
    Tally first = server.run("big", 50);
    first += server.run("small", 30);
    Result stop = ctl(server.pid, "stop", dir);
    CHECK(stop.status == 0);
    CHECK(stop.out == "window 1 complete: " + dir + "/log.bin\n");
    Result again = ctl(server.pid, "stop", dir);
    CHECK(again.status == 1);
    CHECK(again.err == "analyzer: ctl: not recording: no window is open\n");

    server.run("small", 20);  // between windows
    // A call only a one-thread process may make: the sampler steps aside for it, then answers again.
    CHECK(server.send("unshare") == "done unshare result=0");
    CHECK(ctl(server.pid, "start", dir).out == "recording window 2: " + dir + "/log.bin.w2\n");
    Tally second = server.run("small", 40);
    second += server.run("big", 20);
    CHECK(ctl(server.pid, "stop", dir).out == "window 2 complete: " + dir + "/log.bin.w2\n");
    CHECK(server.quit() == 0);

    // The program's tallies, as it printed them: 50 big + 30 small requests, then 40 small + 20 big.
    CHECK(first.allocs == 50 + 30 * 4);
    CHECK(second.allocs == 40 * 4 + 20);
    check_window(dir + "/log.bin", 1, first);
    // Window 2 starts with window 1's 5 kept 64 KiB blocks, and holds them across.
    check_window(dir + "/log.bin.w2", 2, second, {5, 5 * 65536});
    // Window 1's peak: the 5 kept 64 KiB blocks and a small request's four 48-byte ones.
    CHECK(analyze(dir + "/log.bin").run->analysis.allocs.peak_bytes == 5 * 65536 + 4 * 48);
    // Window 2's: the 5 from before, its own 2 kept, and a request's block while the first of them was kept.
    const analyzer::AllocReport& w2 = analyze(dir + "/log.bin.w2").run->analysis.allocs;
    CHECK(w2.peak_bytes == 7 * 65536);
    CHECK(w2.held_across == 5);
    CHECK(w2.held_across_bytes == 5 * 65536);
    CHECK(w2.start_freed == 0);
    CHECK_FALSE(exists(dir + "/log.bin.w3"));
    CHECK_FALSE(exists("/tmp/shim-control." + std::to_string(geteuid()) + "/" + std::to_string(server.pid) +
                       ".ready"));
}

TEST_CASE("SHIM_START=running records from the start; the process's end closes the window", "[windows][integration]") {
    std::string dir = scratch_dir("windows_running");
    Server server(dir, "SHIM_START=running " + preload());
    Result status = ctl(server.pid, "status", dir);
    CHECK(status.out.find("recording window 1 for ") == 0);
    Tally tally = server.run("small", 25);
    CHECK(ctl(server.pid, "start", dir).err == "analyzer: ctl: already recording window 1: " + dir + "/log.bin\n");
    CHECK(server.quit() == 0);
    Analysis a = analyze(dir + "/log.bin");
    CHECK(a.log.end.reason == shimlog::EndReason::Exit);
    REQUIRE(a.log.window.present);
    CHECK(a.log.window.opened_by == shimlog::WindowCause::Start);
    CHECK(a.log.window.closed_by == shimlog::WindowCause::ProcessEnd);
    CHECK(preads(a.log).first == uint64_t(tally.reads));
}

TEST_CASE("ctl says clearly why it cannot reach a process", "[windows][integration]") {
    std::string dir = scratch_dir("windows_ctl_errors");
    // Not a process any more: the shell's own pid once it ended.
    long dead = std::stol(run("echo $$", dir).out);
    Result r = ctl(dead, "status", dir);
    CHECK(r.status == 1);
    CHECK(r.err == "analyzer: ctl: no process " + std::to_string(dead) + " (not running)\n");

    // Untraced, and traced without a control channel.
    long untraced = std::stol(run("sleep 20 >/dev/null 2>&1 & echo $!", dir).out);
    r = ctl(untraced, "start", dir);
    CHECK(r.status == 1);
    CHECK(r.err == "analyzer: ctl: process " + std::to_string(untraced) + " is not traced: libshim.so is not loaded in it\n");
    kill(untraced, SIGKILL);
    long uncontrolled = std::stol(run(preload() + "sleep 20 >/dev/null 2>&1 & echo $!", dir).out);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the loader maps the shim
    r = ctl(uncontrolled, "start", dir);
    CHECK(r.status == 1);
    CHECK(r.err == "analyzer: ctl: process " + std::to_string(uncontrolled) +
                       " is traced but has no control channel: start it with SHIM_START=paused or SHIM_START=running\n");
    kill(uncontrolled, SIGKILL);

    // A controlled process that cannot answer (stopped): a timeout, said.
    long stopped = std::stol(run("SHIM_START=paused " + preload() + "sleep 20 >/dev/null 2>&1 & echo $!", dir).out);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    kill(stopped, SIGSTOP);
    r = ctl(stopped, "status", dir, " --timeout 0.5");
    CHECK(r.status == 1);
    CHECK(r.err.find("analyzer: ctl: no answer from process " + std::to_string(stopped) + " within 0.50 s") == 0);
    kill(stopped, SIGKILL);
    kill(stopped, SIGCONT);

    // Another user's process: as root, one run as nobody; otherwise pid 1 (root's).
    long other = 1;
    std::string owner = "root (uid 0)";
    if (geteuid() == 0) {
        Result nobody = run("setpriv --reuid=65534 --regid=65534 --clear-groups sleep 20 >/dev/null 2>&1 & echo $!", dir);
        if (nobody.status != 0) {
            WARN("setpriv is not available: the other-user case is checked against pid 1 only when not root");
            return;
        }
        other = std::stol(nobody.out);
        owner = "nobody (uid 65534)";
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    r = ctl(other, "status", dir);
    CHECK(r.status == 1);
    CHECK(r.err.find("analyzer: ctl: process " + std::to_string(other) + " belongs to " + owner + ", not to ") == 0);
    if (other != 1) kill(other, SIGKILL);
}

TEST_CASE("a snapshot writes the open window's state now; the window goes on unchanged", "[windows][integration]") {
    std::string dir = scratch_dir("windows_snapshot");
    Server server(dir, "SHIM_START=paused " + preload());
    CHECK(ctl(server.pid, "snapshot", dir).err == "analyzer: ctl: not recording: a snapshot is of an open window\n");
    CHECK(ctl(server.pid, "start", dir).status == 0);
    Tally before = server.run("small", 10);
    before += server.run("big", 10);  // the 10th block is kept: in use at the snapshot
    Result snap = ctl(server.pid, "snapshot", dir);
    CHECK(snap.status == 0);
    CHECK(snap.out == "snapshot 1 complete: " + dir + "/log.bin.s1\n");
    Tally after = server.run("small", 5);
    CHECK(ctl(server.pid, "stop", dir).status == 0);
    CHECK(server.quit() == 0);

    Analysis s = analyze(dir + "/log.bin.s1");
    CHECK_FALSE(s.log.partial);
    CHECK(s.log.end.reason == shimlog::EndReason::Snapshot);
    REQUIRE(s.log.window.present);
    CHECK(s.log.window.closed_by == shimlog::WindowCause::Snapshot);
    const analyzer::AllocReport& in_use = s.run->analysis.allocs;
    CHECK(in_use.allocations == uint64_t(before.allocs));
    CHECK(in_use.frees == uint64_t(before.frees));
    CHECK(in_use.live_allocations == 1);
    CHECK(in_use.live_bytes == 65536);
    // The heap in use by site now: the kept block, at counted_alloc (the one site of both kinds of request).
    const std::vector<analyzer::HeapSite>& heap = s.run->analysis.heap_sites;
    REQUIRE(heap.size() == 1);
    CHECK(heap[0].site.find("counted_alloc at ") == 0);
    CHECK(heap[0].blocks == 1);
    CHECK(heap[0].bytes == 65536);
    CHECK(heap[0].held_blocks == 0);
    CHECK(preads(s.log) == std::make_pair(uint64_t(before.reads), uint64_t(before.read_bytes)));
    CHECK(s.log.threads.size() == 1);  // the main thread, alive

    // The window's own log: everything once, the snapshot's events not twice.
    Tally whole = before;
    whole += after;
    check_window(dir + "/log.bin", 1, whole);
}

TEST_CASE("SHIM_PERIOD cuts a window every N s; SHIM_KEEP=2 leaves exactly the last two", "[windows][integration]") {
    std::string dir = scratch_dir("windows_period");
    write_file(dir + "/log.bin.notes", "the user's own file beside the logs\n");
    Server server(dir, "SHIM_PERIOD=1 SHIM_KEEP=2 " + preload());
    Tally all;
    for (int i = 0; i < 9; ++i) {
        all += server.run("small", 10);
        std::this_thread::sleep_for(std::chrono::milliseconds(400));
    }
    Result status = ctl(server.pid, "status", dir);
    CHECK(status.out.find("recording window ") == 0);
    CHECK(server.quit() == 0);
    CHECK(all.allocs == 9 * 10 * 4);
    // The program's output is its own: the same as untraced, but for its pid.
    std::string bare_dir = scratch_dir("windows_period_bare");
    Server bare(bare_dir, "SHIM_UNUSED=1");
    for (int i = 0; i < 9; ++i) bare.run("small", 10);
    CHECK(bare.quit() == 0);
    std::vector<std::string> traced_lines = lines_of(server.output()), bare_lines = lines_of(bare.output());
    REQUIRE(traced_lines.size() == 10);
    CHECK(std::vector<std::string>(traced_lines.begin() + 1, traced_lines.end()) ==
          std::vector<std::string>(bare_lines.begin() + 1, bare_lines.end()));

    std::vector<uint32_t> windows;
    for (uint32_t n = 1; n < 20; ++n)
        if (exists(dir + "/log.bin" + (n == 1 ? std::string() : ".w" + std::to_string(n)))) windows.push_back(n);
    REQUIRE(windows.size() == 2);
    CHECK(windows[0] >= 3);  // 3.6 s and more of serving: at least four windows were made
    CHECK(windows[1] == windows[0] + 1);
    CHECK(read_file(dir + "/log.bin.notes") == "the user's own file beside the logs\n");
    CHECK(exists(dir + "/data.bin"));
    Analysis older = analyze(dir + "/log.bin.w" + std::to_string(windows[0]));
    CHECK_FALSE(older.log.partial);
    CHECK(older.log.window.opened_by == shimlog::WindowCause::Period);
    CHECK(older.log.window.closed_by == shimlog::WindowCause::Period);
    double seconds = double(older.log.window.end_ns - older.log.window.start_ns) / 1e9;
    CHECK(seconds > 0.95);
    CHECK(seconds < 1.5);
    Analysis last = analyze(dir + "/log.bin.w" + std::to_string(windows[1]));
    CHECK(last.log.end.reason == shimlog::EndReason::Exit);
    CHECK(last.log.window.closed_by == shimlog::WindowCause::ProcessEnd);
    // Every allocation of each window is the program's: whole 48-byte blocks, each freed in it or the next.
    CHECK(older.run->analysis.allocs.bytes == older.run->analysis.allocs.allocations * 48);
    // A cut is no pause: the next window lists what was live, so a request's blocks
    // allocated before it and freed after are known. Only a request that began in
    // the cut's few milliseconds (recording off) can leave frees of unknown blocks.
    for (const Analysis* w : {&older, &last}) {
        REQUIRE(w->log.live_at_start.present);
        CHECK_FALSE(w->log.live_at_start.after_pause());
        CHECK(w->run->analysis.allocs.unknown_frees <= 4);
        CHECK(w->run->analysis.allocs.peak_bytes >= w->run->analysis.allocs.start_bytes);
    }
}

namespace {

// A forked worker's first line: "pid <worker> master <parent>".
long master_of(const Server& worker) {
    const std::string first = lines_of(worker.output())[0];
    REQUIRE(first.find(" master ") != std::string::npos);
    return std::stol(first.substr(first.find(" master ") + 8));
}

std::string ready_file(long pid) {
    return "/tmp/shim-control." + std::to_string(geteuid()) + "/" + std::to_string(pid) + ".ready";
}

}  // namespace

// A prefork server: the master starts paused and forks its worker, where the
// requests are served. The worker answers ctl by its own pid, with windows
// named after its own log; the master stays paused and answers too.
TEST_CASE("a paused server's forked worker is controlled by its own pid, windows under its own name",
          "[windows][integration]") {
    std::string dir = scratch_dir("windows_fork_paused");
    Server worker(dir, "SHIM_START=paused " + preload(), " --fork");
    long master = master_of(worker);
    const std::string log = dir + "/log.bin." + std::to_string(worker.pid);
    CHECK(ctl(master, "status", dir).out == "paused: no window yet (the first will be " + dir + "/log.bin)\n");
    CHECK(ctl(worker.pid, "status", dir).out == "paused: no window yet (the first will be " + log + ")\n");
    worker.run("small", 10);  // paused: not recorded anywhere

    CHECK(ctl(worker.pid, "start", dir).out == "recording window 1: " + log + "\n");
    Tally first = worker.run("big", 30);
    first += worker.run("small", 10);
    CHECK(ctl(worker.pid, "stop", dir).out == "window 1 complete: " + log + "\n");
    CHECK(ctl(master, "status", dir).out == "paused: no window yet (the first will be " + dir + "/log.bin)\n");
    CHECK(ctl(worker.pid, "start", dir).out == "recording window 2: " + log + ".w2\n");
    Tally second = worker.run("small", 15);
    CHECK(ctl(worker.pid, "stop", dir).out == "window 2 complete: " + log + ".w2\n");
    CHECK(worker.quit() == 0);

    check_window(log, 1, first);
    check_window(log + ".w2", 2, second, {3, 3 * 65536});  // window 1 kept 3 of its 30 big blocks
    CHECK_FALSE(exists(dir + "/log.bin"));  // the master never recorded
    CHECK_FALSE(exists(ready_file(worker.pid)));
    CHECK_FALSE(exists(ready_file(master)));
}

// The master records from the start: its worker's window 1 is open from the
// fork (opened by "fork"), holds the worker's requests alone, and ctl stops it.
TEST_CASE("a recording server's forked worker has its window 1 open from the fork", "[windows][integration]") {
    std::string dir = scratch_dir("windows_fork_running");
    Server worker(dir, "SHIM_START=running " + preload(), " --fork");
    long master = master_of(worker);
    const std::string log = dir + "/log.bin." + std::to_string(worker.pid);
    CHECK(ctl(worker.pid, "status", dir).out.find("recording window 1 for ") == 0);
    Tally tally = worker.run("big", 20);
    tally += worker.run("small", 5);
    CHECK(ctl(worker.pid, "stop", dir).out == "window 1 complete: " + log + "\n");
    worker.run("small", 5);  // after the stop: in no window
    CHECK(ctl(master, "status", dir).out.find("recording window 1 for ") == 0);
    CHECK(worker.quit() == 0);

    Analysis a = analyze(log);
    CHECK_FALSE(a.log.partial);
    REQUIRE(a.log.window.present);
    CHECK(a.log.window.index == 1);
    CHECK(a.log.window.opened_by == shimlog::WindowCause::Fork);
    CHECK(a.log.window.closed_by == shimlog::WindowCause::CtlStop);
    CHECK(a.log.end.reason == shimlog::EndReason::WindowClosed);
    const analyzer::AllocReport& allocs = a.run->analysis.allocs;
    CHECK(allocs.allocations == uint64_t(tally.allocs));
    CHECK(allocs.bytes == uint64_t(tally.bytes));
    CHECK(allocs.frees == uint64_t(tally.frees));
    CHECK(preads(a.log) == std::make_pair(uint64_t(tally.reads), uint64_t(tally.read_bytes)));
    Result report = run(analyzer_path() + " report " + log, dir);
    CHECK(report.status == 0);
    CHECK(report.out.find("opened by fork, closed by ctl-stop") != std::string::npos);
    // The master's window 1 is its own: closed at its end, none of the worker's requests in it.
    Analysis m = analyze(dir + "/log.bin");
    CHECK(m.log.window.opened_by == shimlog::WindowCause::Start);
    CHECK(m.log.window.closed_by == shimlog::WindowCause::ProcessEnd);
    CHECK(preads(m.log).first == 0);
    CHECK_FALSE(exists(ready_file(worker.pid)));
    CHECK_FALSE(exists(ready_file(master)));
}
