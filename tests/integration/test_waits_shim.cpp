// The shim's waits hooks (issue 15): every case of waits_cases behaves the
// same bare and shimmed (output, exit code, the errors and errno it prints),
// and the log's wait records hold exact counts where the program's are known.
// The log is read by the analyzer's decoder (analyzer/decode), so these tests
// check the shim and the decoder together.
#include <catch2/catch.hpp>

#include <cstdio>
#include <map>
#include <string>

#include "../../analyzer/decode/decode.h"
#include "harness.h"

using namespace harness;
using shimlog::WaitKind;

namespace {

// What a run's log says about its waits, read by the analyzer's own decoder.
struct WaitRecords {
    std::string printed;  // the shimmed run's output (the same as the bare run's)
    analyzer::Log log;
    std::map<uint64_t, uint64_t> events_by_object;
    bool ended() const { return !log.partial; }
};

WaitRecords read_waits(const std::string& path) {
    WaitRecords out{{}, analyzer::decode_log_file(path), {}};
    for (const analyzer::WaitEvent& e : out.log.waits.events) out.events_by_object[e.object]++;
    return out;
}

// Totals over the wait stacks of one kind (and object, when given).
analyzer::WaitSite total_of(const WaitRecords& w, WaitKind kind, uint64_t object = 0) {
    analyzer::WaitSite sum{};
    for (const analyzer::WaitSite& r : w.log.waits.sites) {
        if (r.kind != kind || (object != 0 && r.object != object)) continue;
        sum.waits += r.waits;
        sum.timeouts += r.timeouts;
        sum.wait_ns += r.wait_ns;
        sum.threads += r.threads;
    }
    return sum;
}

// waits_cases with `args`, without address randomisation (the cases that
// print addresses print the same ones in both runs); `env` is VAR=value ...
// Only the program loads the shim: its log is log.bin, not timeout's.
std::string waits_cases(const std::string& args, const std::string& env) {
    return "setarch -R timeout 60 env " + env + " " + program_path("waits_cases") + " " + args;
}

// Runs one case bare and shimmed; both must print and exit the same.
WaitRecords same_as_bare(const std::string& dir, const std::string& args, const std::string& env = "") {
    Result bare = run(waits_cases(args, ""), dir);
    Result shimmed = run(waits_cases(args, env + " LD_PRELOAD=" + shim_path()), dir);
    INFO(args << ": bare " << bare.out << bare.err << " shimmed " << shimmed.out << shimmed.err);
    REQUIRE(bare.status == 0);
    CHECK(shimmed.status == bare.status);
    CHECK(shimmed.out == bare.out);
    CHECK(shimmed.err == bare.err);
    WaitRecords w = read_waits(dir + "/log.bin");
    CHECK(w.ended());
    w.printed = shimmed.out;
    return w;
}

}  // namespace

TEST_CASE("waits hooks: every case returns what the bare call returns", "[waits][integration]") {
    std::string dir = scratch_dir("waits_same_as_bare");
    for (const char* mode : {"static", "recursive", "robust", "errorcheck", "rwlock", "cancel"}) same_as_bare(dir, mode);
}

TEST_CASE("waits: a timed lock that gives up is a wait that timed out", "[waits][integration]") {
    WaitRecords w = same_as_bare(scratch_dir("waits_timedlock"), "timedlock");
    analyzer::WaitSite mutex = total_of(w, WaitKind::Mutex);
    CHECK(mutex.timeouts == 1);  // the 20 ms deadline; the bad one is EINVAL, not a wait
    CHECK(mutex.waits >= 1);
}

TEST_CASE("waits: a condition-variable pool's waits are conditions, each call one", "[waits][integration]") {
    WaitRecords w = same_as_bare(scratch_dir("waits_condpool"), "condpool");
    analyzer::WaitSite cond = total_of(w, WaitKind::Condition);
    CHECK(cond.waits >= 1);
    CHECK(cond.timeouts == 1);  // the timedwait with a past deadline
    CHECK(cond.threads == 5);  // the four workers (each waits before the first job) and main's timed wait
}

TEST_CASE("waits: sem_wait at 0 is a wait; the count's own errors are not", "[waits][integration]") {
    WaitRecords w = same_as_bare(scratch_dir("waits_sem"), "sem");
    analyzer::WaitSite sem = total_of(w, WaitKind::Semaphore);
    CHECK(sem.waits >= 2);     // at least the first wait and the timed one
    CHECK(sem.waits <= 101);   // never more than the calls that could block
    CHECK(sem.timeouts == 1);  // the past deadline; the invalid one is EINVAL, not tried
}

TEST_CASE("waits: every barrier call is a wait", "[waits][integration]") {
    WaitRecords w = same_as_bare(scratch_dir("waits_barrier"), "barrier");
    analyzer::WaitSite barrier = total_of(w, WaitKind::Barrier);
    CHECK(barrier.waits == 150);  // 3 threads, 50 rounds
    CHECK(barrier.threads == 3);
    CHECK(w.events_by_object.size() >= 1);
}

TEST_CASE("waits: N handshaken contended waits are N waits and N releases at the holder's unlock", "[waits][integration]") {
    const int rounds = 200;
    std::string dir = scratch_dir("waits_handshake");
    WaitRecords w = same_as_bare(dir, "handshake " + std::to_string(rounds));
    unsigned long long mutex = 0, releaser = 0, waiter = 0;
    REQUIRE(sscanf(w.printed.c_str(), "handshake %*d rounds mutex %llx releaser %llx waiter %llx", &mutex, &releaser,
                   &waiter) == 3);

    analyzer::WaitSite waits = total_of(w, WaitKind::Mutex, mutex);
    CHECK(waits.waits == uint64_t(rounds));
    // Each wait's stack starts at the waiter's call, not inside the shim (the
    // hooks reach their slow paths by tail calls, hooks_mutex.cpp).
    for (const analyzer::WaitSite& site : w.log.waits.sites) {
        if (site.object != mutex) continue;
        auto stack = w.log.stacks.find(site.stack_id);
        REQUIRE(stack != w.log.stacks.end());
        REQUIRE(!stack->second.empty());
        CHECK(stack->second[0] > waiter);
        CHECK(stack->second[0] < waiter + 256);
    }
    CHECK(waits.threads == 1);
    CHECK(waits.timeouts == 0);
    CHECK(w.events_by_object[mutex] == uint64_t(rounds));
    CHECK(w.log.waits.dropped_events == 0);

    uint64_t releases = 0, at_releaser = 0, timed = 0;
    for (const analyzer::LockHolder& r : w.log.waits.holders) {
        if (r.object != mutex) continue;
        releases += r.releases;
        timed += r.timed_holds;
        auto stack = w.log.stacks.find(r.stack_id);
        REQUIRE(stack != w.log.stacks.end());
        REQUIRE(!stack->second.empty());
        uint64_t innermost = stack->second[0];
        if (innermost > releaser && innermost < releaser + 64) at_releaser += r.releases;
    }
    CHECK(releases == uint64_t(rounds));
    CHECK(at_releaser == uint64_t(rounds));
    CHECK(timed == 0);  // the holder never waited for the mutex it released
}

TEST_CASE("waits: SHIM_WAITS=0 records none", "[waits][integration]") {
    WaitRecords w = same_as_bare(scratch_dir("waits_off"), "handshake 20", "SHIM_WAITS=0");
    CHECK(!w.log.waits.present());
}

// Releases of `object` by the site whose innermost frame lies in [from, from + 64).
static uint64_t releases_at(const WaitRecords& w, uint64_t object, uint64_t from) {
    uint64_t n = 0;
    for (const analyzer::LockHolder& r : w.log.waits.holders) {
        auto stack = w.log.stacks.find(r.stack_id);
        if (r.object != object || stack == w.log.stacks.end() || stack->second.empty()) continue;
        if (stack->second[0] > from && stack->second[0] < from + 64) n += r.releases;
    }
    return n;
}

TEST_CASE("waits: C11 threads (mtx_lock, mtx_timedlock, cnd_timedwait, thrd_join) as the pthread ones",
          "[waits][integration]") {
    const int rounds = 50;
    WaitRecords w = same_as_bare(scratch_dir("waits_c11"), "c11 " + std::to_string(rounds));
    unsigned long long mutex = 0, releaser = 0, timed = 0, cond = 0, waiter = 0, holder = 0;
    REQUIRE(sscanf(w.printed.c_str(),
                   "c11 50 rounds join 1 res 7 exit 3 / recursive 1 0 0 0 / 0 0 0 / timed 1 0 / cond 1 1 / mutex %llx "
                   "releaser %llx timed %llx cond %llx waiter %llx holder %llx",
                   &mutex, &releaser, &timed, &cond, &waiter, &holder) == 6);
    analyzer::WaitSite waits = total_of(w, WaitKind::Mutex, mutex);
    CHECK(waits.waits == uint64_t(rounds));  // each handshaken mtx_lock, no more
    CHECK(waits.timeouts == 0);
    CHECK(releases_at(w, mutex, releaser) == uint64_t(rounds));  // mtx_unlock's releases, at the releasing line
    analyzer::WaitSite timed_out = total_of(w, WaitKind::Mutex, timed);
    CHECK(timed_out.waits == 1);  // the 20 ms deadline against the holder; the free lock did not wait
    CHECK(timed_out.timeouts == 1);
    analyzer::WaitSite condition = total_of(w, WaitKind::Condition, cond);
    CHECK(condition.waits == 1);  // the past deadline; the bad one is thrd_error, not a wait
    CHECK(condition.timeouts == 1);
    CHECK(total_of(w, WaitKind::Mutex).waits == uint64_t(rounds) + 1);  // the recursive relocks never waited
    CHECK(total_of(w, WaitKind::Join).waits == 2);  // both threads joined while they still slept

    // thrd_create's threads have Thread records as pthreads do (glibc runs it
    // past the pthread_create hook): routine, creator, creation stack, times, end.
    const analyzer::ThreadInfo* main_thread = nullptr;
    std::map<uint64_t, const analyzer::ThreadInfo*> by_routine;
    for (const analyzer::ThreadInfo& t : w.log.threads) {
        if (t.is_main) main_thread = &t;
        else by_routine[t.start_routine] = &t;
    }
    REQUIRE(main_thread != nullptr);
    CHECK(w.log.threads.size() == 3);
    for (uint64_t routine : {uint64_t(waiter), uint64_t(holder)}) {
        INFO("routine " << std::hex << routine);
        REQUIRE(by_routine.count(routine) == 1);
        const analyzer::ThreadInfo& t = *by_routine[routine];
        CHECK(t.parent_tid == main_thread->tid);
        CHECK(t.create_stack != 0);
        CHECK(t.create_ticks != 0);
        CHECK(t.start_ticks >= t.create_ticks);
        CHECK(t.end_ticks > t.start_ticks);
        CHECK(total_of(w, WaitKind::Join, t.tid).waits == 1);  // main's join names this thread
    }
    CHECK(by_routine[waiter]->end == shimlog::ThreadEnd::Returned);
    CHECK(by_routine[holder]->end == shimlog::ThreadEnd::Exited);  // thrd_exit, past the pthread_exit hook
    CHECK(main_thread->joins == 2);
}

TEST_CASE("waits: pthread_timedjoin_np and pthread_clockjoin_np are joins; a timeout is one that gave up",
          "[waits][integration]") {
    WaitRecords w = same_as_bare(scratch_dir("waits_timedjoin"), "timedjoin");
    CHECK(w.printed == "timedjoin 1 0 42 / 1 0 42 / tryjoin-self 1 timedjoin-self 1\n");
    analyzer::WaitSite joins = total_of(w, WaitKind::Join);
    CHECK(joins.waits == 2);  // the one that timed out and the one that waited the thread out
    CHECK(joins.timeouts == 1);
}

TEST_CASE("waits: a spin lock found held is a contended wait of its own kind", "[waits][integration]") {
    const int rounds = 20;
    WaitRecords w = same_as_bare(scratch_dir("waits_spin"), "spin " + std::to_string(rounds));
    unsigned long long lock = 0;
    REQUIRE(sscanf(w.printed.c_str(), "spin 20 rounds total 40 locks 0 trylock 0 1 lock %llx", &lock) == 1);
    analyzer::WaitSite spins = total_of(w, WaitKind::Spin, lock);
    CHECK(spins.waits == uint64_t(rounds));  // the waiter's every lock (the holder's own never waited)
    CHECK(spins.threads == 1);
    CHECK(spins.wait_ns >= uint64_t(rounds) * 15 * 1000000);  // ~20 ms each, spinning
    CHECK(total_of(w, WaitKind::Mutex).waits == 0);
}

TEST_CASE("waits: a wait ended by pthread_cancel is recorded; the program's cleanup handlers run as bare",
          "[waits][integration]") {
    std::string dir = scratch_dir("waits_cancelled");
    WaitRecords w = same_as_bare(dir, "cancelwaits");
    unsigned long long sem = 0, cond = 0;
    REQUIRE(sscanf(w.printed.c_str(), "cancelwaits cancelled 3 cleanups 7 relock 0 join 0 value 5 sem 0\nsem %llx cond %llx",
                   &sem, &cond) == 2);
    uint64_t sleeper = std::stoull(read_file(dir + "/cancelwaits.tid"));
    CHECK(total_of(w, WaitKind::Semaphore, sem).waits == 1);  // the cancelled sem_wait
    CHECK(total_of(w, WaitKind::Condition, cond).waits == 1);  // the cancelled condition wait
    // The cancelled join of the sleeper, and main's join of it afterwards.
    CHECK(total_of(w, WaitKind::Join, sleeper).waits == 2);
    for (const analyzer::WaitSite& s : w.log.waits.sites) CHECK(s.timeouts == 0);
}

TEST_CASE("waits: SHIM_WAITS=0 passes the new hooks straight through", "[waits][integration]") {
    std::string dir = scratch_dir("waits_off_new_hooks");
    for (const char* mode : {"c11 10", "timedjoin", "spin 3"}) {
        WaitRecords w = same_as_bare(dir, mode, "SHIM_WAITS=0");
        CHECK(!w.log.waits.present());
        CHECK(w.log.waits_recording == analyzer::WaitsRecording::NotRecorded);
    }
}

TEST_CASE("waits: the *clock* calls are waits; a clock glibc refuses is EINVAL, not a wait", "[waits][integration]") {
    WaitRecords w = same_as_bare(scratch_dir("waits_clock"), "clock");
    CHECK(w.printed.find("bad clock: mutex EINVAL rwlock EINVAL cond EINVAL sem -1 EINVAL value 1") != std::string::npos);
    for (WaitKind kind : {WaitKind::Mutex, WaitKind::RwRead, WaitKind::Condition, WaitKind::Semaphore}) {
        INFO("kind " << int(kind));
        analyzer::WaitSite total = total_of(w, kind);
        CHECK(total.waits == 1);  // the one steady-clock deadline that passed
        CHECK(total.timeouts == 1);
    }
    CHECK(total_of(w, WaitKind::RwWrite).waits == 0);
}

TEST_CASE("waits: sem_wait and sem_timedwait act on a pending cancel as glibc's do, sem_clockwait does not", "[waits][integration]") {
    WaitRecords w = same_as_bare(scratch_dir("waits_semcancel"), "semcancel");
    CHECK(w.printed.find("sem_timedwait cancelled 1 went on 0 count 1") != std::string::npos);
    CHECK(w.printed.find("sem_clockwait cancelled 0 went on 1 count 0") != std::string::npos);
    CHECK(total_of(w, WaitKind::Semaphore).waits == 0);  // every count was 1: nothing waited
}

TEST_CASE("waits: a handler that locks during a mutex wait; a semaphore wait cut by EINTR", "[waits][integration]") {
    WaitRecords w = same_as_bare(scratch_dir("waits_signal"), "signal");
    unsigned long long mutex = 0;
    REQUIRE(sscanf(w.printed.c_str(), "signal mutex 0 after 5 handlers; sem 0 after EINTR; mutex %llx", &mutex) == 1);
    analyzer::WaitSite waited = total_of(w, WaitKind::Mutex, mutex);
    CHECK(waited.waits == 1);  // one wait, however many handlers ran inside it
    CHECK(total_of(w, WaitKind::Mutex).waits == 1);  // the handlers' own mutex never waited
    uint64_t releases = 0;
    for (const analyzer::LockHolder& h : w.log.waits.holders)
        if (h.object == mutex) releases += h.releases;
    CHECK(releases == 1);
    CHECK(total_of(w, WaitKind::Semaphore).waits <= 1);  // EINTR is not a wait; the post may come before the retry
}

TEST_CASE("waits: after a fork each process's log counts its own waits", "[waits][integration]") {
    const int rounds = 20;
    std::string dir = scratch_dir("waits_fork");
    WaitRecords parent = same_as_bare(dir, "fork " + std::to_string(rounds));
    unsigned long long mutex = 0;
    REQUIRE(sscanf(parent.printed.c_str(), "child %*d rounds\nfork %*d rounds, child exit 0, mutex %llx", &mutex) == 1);
    CHECK(total_of(parent, WaitKind::Mutex, mutex).waits == uint64_t(rounds));

    Result logs = run("ls log.bin.*", dir);
    std::string child_log = logs.out.substr(0, logs.out.find('\n'));
    REQUIRE(!child_log.empty());
    WaitRecords child = read_waits(dir + "/" + child_log);
    CHECK(child.ended());
    CHECK(total_of(child, WaitKind::Mutex, mutex).waits == uint64_t(rounds + 1));
    uint64_t releases = 0;
    for (const analyzer::LockHolder& h : child.log.waits.holders)
        if (h.object == mutex) releases += h.releases;
    CHECK(releases == uint64_t(rounds + 1));
}

// A library constructor that runs before the shim's own starts a thread and
// waits for it: the hooks work before the shim is set up, and count exactly.
TEST_CASE("waits before the shim's constructor ran are recorded exactly", "[waits][integration]") {
    std::string dir = scratch_dir("waits_early");
    std::string program = "setarch -R timeout 60 env " + program_path("early_waits");
    Result bare = run(program, dir);
    Result shimmed = run("setarch -R timeout 60 env LD_PRELOAD=" + shim_path() + " " + program_path("early_waits"), dir);
    REQUIRE(bare.status == 0);
    CHECK(shimmed.status == 0);
    CHECK(shimmed.out == bare.out);
    CHECK(shimmed.err.empty());
    unsigned long long mutex = 0;
    REQUIRE(sscanf(shimmed.out.c_str(), "early waits 5 rounds, mutex %llx", &mutex) == 1);
    WaitRecords w = read_waits(dir + "/log.bin");
    CHECK(w.ended());
    CHECK(total_of(w, WaitKind::Mutex, mutex).waits == 5);
    uint64_t releases = 0;
    for (const analyzer::LockHolder& h : w.log.waits.holders)
        if (h.object == mutex) releases += h.releases;
    CHECK(releases == 5);
}

// LD_PRELOAD cannot reach a static program: it runs as bare and writes no log.
TEST_CASE("waits: a static program is untouched by the shim", "[waits][integration]") {
    std::string dir = scratch_dir("waits_static");
    for (const char* mode : {"handshake 20", "condpool", "sem", "c11 10", "timedjoin", "spin 3", "cancelwaits"}) {
        std::string program = "setarch -R timeout 60 env ";
        std::string args = std::string(" ") + mode;
        Result bare = run(program + program_path("waits_cases_static") + args, dir);
        Result shimmed = run(program + "LD_PRELOAD=" + shim_path() + " " + program_path("waits_cases_static") + args, dir);
        INFO(mode);
        REQUIRE(bare.status == 0);
        CHECK(shimmed.status == 0);
        CHECK(shimmed.out == bare.out);
        CHECK(shimmed.err == bare.err);
    }
    CHECK(run("ls log.bin*", dir).out.empty());
}

TEST_CASE("waits: the mutex re-lock inside a condition wait is the condition's wait, not lock contention", "[waits][integration]") {
    const int rounds = 20;
    WaitRecords w = same_as_bare(scratch_dir("waits_condrelock"), "condrelock " + std::to_string(rounds));
    unsigned long long mutex = 0, cond = 0;
    REQUIRE(sscanf(w.printed.c_str(), "condrelock %*d rounds mutex %llx cond %llx", &mutex, &cond) == 2);
    CHECK(total_of(w, WaitKind::Mutex, mutex).waits == 0);
    analyzer::WaitSite waited = total_of(w, WaitKind::Condition, cond);
    CHECK(waited.waits >= uint64_t(rounds));  // one a round (more only on a spurious wake-up)
    CHECK(waited.wait_ns >= uint64_t(rounds) * 2000000);  // each includes the 2 ms the signaller held on
}
