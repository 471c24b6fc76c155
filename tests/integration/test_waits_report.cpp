// Contended waits of real programs under the shim, as the report names them:
// wordfreq's one global mutex is lock contention at its lock_guard, the
// sharded mode has none, a condition-variable pool is waiting for work, and
// an rwlock's read and write waits are one lock.
#include <catch2/catch.hpp>

#include "../../analyzer/analysis/waits.h"
#include "analysis.h"
#include "harness.h"

using namespace harness;

namespace {

Analysis traced(const std::string& name, const std::string& command) {
    std::string dir = scratch_dir(name);
    Result r = run(preload() + command + " > out.txt", dir);
    REQUIRE(r.status == 0);
    return analyze(dir + "/log.bin");
}

std::string wordfreq(const std::string& mode) {
    return repo_root() + "/workloads/wordfreq --mode " + mode + " -t 4 " + book_path();
}

const analyzer::WaitObject* object_named(const analyzer::WaitsSummary& s, const std::string& label) {
    for (const analyzer::WaitObject& o : s.objects)
        if (o.label == label) return &o;
    return nullptr;
}

}  // namespace

TEST_CASE("wordfreq locked: lock contention on counts_mutex at its lock_guard", "[waits][integration]") {
    Analysis a = traced("waits_wordfreq_locked", wordfreq("locked"));
    const analyzer::WaitsSummary& s = a.run->analysis.waits;
    REQUIRE(s.present);
    const analyzer::WaitObject* lock = object_named(s, "counts_mutex in wordfreq.cpp");  // its data symbol
    REQUIRE(lock != nullptr);
    CHECK(lock->noun == "mutex");
    CHECK(lock->waits > 0);
    CHECK(lock->threads >= 2);
    CHECK_FALSE(lock->holders.empty());

    int line = line_of(repo_root() + "/workloads/wordfreq.cpp", "std::lock_guard<std::mutex> lock(counts_mutex);");
    REQUIRE(line > 0);
    const analyzer::Finding* f = a.finding("lock-contention");
    REQUIRE(f != nullptr);
    INFO(f->title << "\n" << f->site);
    CHECK(f->title.find("counts_mutex in wordfreq.cpp") != std::string::npos);
    CHECK(f->title.find("costs up to") != std::string::npos);
    CHECK(f->site.find("wordfreq.cpp:" + std::to_string(line)) != std::string::npos);
    CHECK(f->figures.at("share_of_threads_time") >= 0.05);
    // CPU sampled in libc's lock code (futex wake-ups) is this lock's cost:
    // its hot spot points at the lock-contention finding and comes after it.
    bool after = false;
    for (const analyzer::Finding& each : a.findings) {
        if (each.kind == "lock-contention") after = true;
        if (each.kind != "cpu-hotspot" || each.figures.count("lock_code") == 0 || each.figures.at("lock_code") == 0)
            continue;
        INFO(each.title);
        CHECK(each.follows == "lock-contention");
        CHECK(after);
    }
}

TEST_CASE("wordfreq sharded: no lock contention", "[waits][integration]") {
    Analysis a = traced("waits_wordfreq_sharded", wordfreq("sharded"));
    CHECK(a.finding("lock-contention") == nullptr);
    for (const analyzer::WaitObject& o : a.run->analysis.waits.objects) CHECK(o.label != "counts_mutex in wordfreq.cpp");
}

TEST_CASE("a condition-variable pool waits for work, which is no lock contention", "[waits][integration]") {
    Analysis a = traced("waits_condpool", program_path("waits_cases") + " condpool");
    const analyzer::WaitsSummary& s = a.run->analysis.waits;
    REQUIRE(s.present);
    const analyzer::WaitObject* cond = object_named(s, "pool_cond in waits_cases.c");
    REQUIRE(cond != nullptr);
    CHECK(cond->noun == "condition variable");
    CHECK(cond->waits > 0);
    CHECK_FALSE(cond->is_lock());
    CHECK(s.event_wait_ns >= cond->wait_ns);
    CHECK(a.finding("lock-contention") == nullptr);
}

TEST_CASE("an rwlock's read and write waits are one lock, each site with its line", "[waits][integration]") {
    Analysis a = traced("waits_rwlock", program_path("rwlock_handoff"));
    const analyzer::WaitObject* rw = object_named(a.run->analysis.waits, "table_lock in rwlock_handoff.c");
    REQUIRE(rw != nullptr);
    CHECK(rw->noun == "rwlock");
    CHECK(rw->waits == 3);  // two readers behind the writer, then the writer behind a reader
    std::string source = repo_root() + "/tests/programs/rwlock_handoff.c";
    bool read = false, write = false;
    for (const analyzer::WaitSiteTotals& site : rw->sites) {
        if (site.kind == shimlog::WaitKind::RwRead)
            read = site.waits == 2 && site.where.find("rwlock_handoff.c:" + std::to_string(line_of(source, "a read wait"))) != std::string::npos;
        if (site.kind == shimlog::WaitKind::RwWrite)
            write = site.waits == 1 && site.where.find("rwlock_handoff.c:" + std::to_string(line_of(source, "a write wait"))) != std::string::npos;
    }
    CHECK(read);
    CHECK(write);

    // waits_cases rwlock contends only when a holder is preempted: when it
    // does, its waits are one lock named by its variable too.
    Analysis cases = traced("waits_cases_rwlock", program_path("waits_cases") + " rwlock");
    for (const analyzer::WaitObject& o : cases.run->analysis.waits.objects)
        if (o.noun == "rwlock") CHECK(o.label == "rw in waits_cases.c");
}

TEST_CASE("the report's Waits section and JSON of a real run", "[waits][integration][report]") {
    std::string dir = scratch_dir("waits_report_text");
    REQUIRE(run(preload() + wordfreq("locked") + " > out.txt", dir).status == 0);
    Result text = run(analyzer_path() + " report log.bin", dir);
    REQUIRE(text.status == 0);
    CHECK(text.out.find("\nWaits (contended only: ") != std::string::npos);
    CHECK(text.out.find("mutex counts_mutex in wordfreq.cpp — contention: ") != std::string::npos);
    CHECK(text.out.find("not seen: waits on raw futexes") != std::string::npos);
    CHECK(run(analyzer_path() + " report log.bin --fail-on lock-contention", dir).status == 1);
    if (run("command -v python3", dir).status != 0) return;
    REQUIRE(run(analyzer_path() + " report --format json log.bin > report.json", dir).status == 0);
    Result fits = check_report_schema("report.json", dir);
    INFO(fits.out << fits.err);
    CHECK(fits.status == 0);
}

TEST_CASE("SHIM_WAITS=0: the log says waits were not recorded, and the report says so", "[waits][integration][report]") {
    std::string dir = scratch_dir("waits_not_recorded");
    REQUIRE(run("SHIM_WAITS=0 " + preload() + wordfreq("locked") + " > out.txt", dir).status == 0);
    Analysis off = analyze(dir + "/log.bin");
    CHECK(off.log.waits_recording == analyzer::WaitsRecording::NotRecorded);
    CHECK_FALSE(off.log.waits.present());
    CHECK(off.finding("lock-contention") == nullptr);
    Result text = run(analyzer_path() + " report log.bin", dir);
    REQUIRE(text.status == 0);
    CHECK(text.out.find("\nWaits: waits were not recorded (SHIM_WAITS=0): ") != std::string::npos);
    Result json = run(analyzer_path() + " report --format json log.bin", dir);
    CHECK(json.out.find("\"waits_recorded\":false,\"waits_not_recorded\":\"waits were not recorded (SHIM_WAITS=0)\"") !=
          std::string::npos);
    Result html = run(analyzer_path() + " report --format html log.bin", dir);
    CHECK(html.out.find("<p class=\"warning\">waits were not recorded (SHIM_WAITS=0): ") != std::string::npos);

    // The default records, and says so, in the same program.
    Analysis on = traced("waits_recorded_note", wordfreq("locked"));
    CHECK(on.log.waits_recording == analyzer::WaitsRecording::Recorded);
    CHECK(on.log.notes.empty());
}

TEST_CASE("a semaphore used as a mutex by 4 threads is lock contention; a work queue's is not", "[waits][integration]") {
    std::string dir = scratch_dir("waits_sem_as_lock");
    Result bare = run("setarch -R " + program_path("sem_as_lock") + " 200", dir);
    Result shimmed = run("setarch -R env " + preload() + program_path("sem_as_lock") + " 200", dir);
    REQUIRE(bare.status == 0);
    CHECK(shimmed.status == 0);
    CHECK(shimmed.out == bare.out);  // sem_post's hook changes nothing the program sees
    CHECK(shimmed.out.find("counter 800 of 800 consumed 100 ") == 0);
    Analysis a = analyze(dir + "/log.bin");
    const analyzer::WaitsSummary& s = a.run->analysis.waits;
    const analyzer::WaitObject* guard = object_named(s, "guard in sem_as_lock.c");
    REQUIRE(guard != nullptr);
    CHECK(guard->noun == "semaphore (as a lock)");
    CHECK(guard->is_lock());
    CHECK(guard->waits >= 20);  // each holder sleeps 50 us: the others block on it
    CHECK(guard->threads >= 2);
    REQUIRE_FALSE(guard->holders.empty());
    uint64_t released = 0, paired = 0;
    for (const analyzer::HolderSiteTotals& h : guard->holders) released += h.releases, paired += h.timed_holds;
    // The waits ended by a post at the release line (not those whose post came
    // just before the waiter counted itself in glibc's word: no waiter to see).
    CHECK(released <= guard->waits);
    CHECK(released >= guard->waits / 2);
    CHECK(paired > 0);
    CHECK(double(paired) >= 0.2 * double(released));
    int post_line = line_of(repo_root() + "/tests/programs/sem_as_lock.c", "sem_post(&guard);");
    CHECK(guard->holders.front().where.find("sem_as_lock.c:" + std::to_string(post_line)) != std::string::npos);
    CHECK(s.lock_wait_ns >= guard->wait_ns);

    const analyzer::WaitObject* items = object_named(s, "items in sem_as_lock.c");
    REQUIRE(items != nullptr);
    CHECK(items->noun == "semaphore");
    CHECK_FALSE(items->is_lock());
    CHECK(items->waits >= 1);
    CHECK(items->waits <= 100);
    for (const analyzer::HolderSiteTotals& h : items->holders) CHECK(h.timed_holds == 0);  // the producer never took one

    const analyzer::Finding* f = a.finding("lock-contention");
    REQUIRE(f != nullptr);
    INFO(f->title);
    CHECK(f->title.find("semaphore (as a lock) guard in sem_as_lock.c") != std::string::npos);
    for (const analyzer::Finding& each : a.findings)
        if (each.kind == "lock-contention") CHECK(each.title.find("items") == std::string::npos);

    if (run("command -v python3", dir).status != 0) return;
    REQUIRE(run(analyzer_path() + " report --format json log.bin > report.json", dir).status == 0);
    Result fits = check_report_schema("report.json", dir);
    INFO(fits.out << fits.err);
    CHECK(fits.status == 0);
}

TEST_CASE("Python's threading.Lock (a sem_t) contended by 4 threads is lock contention", "[waits][integration]") {
    std::string dir = scratch_dir("waits_python_lock");
    if (run("command -v python3", dir).status != 0) {
        WARN("no python3: the Python lock case is not run");
        return;
    }
    // The lock is held while sleeping (the GIL released): the others block on its semaphore.
    const char* program =
        "import threading, time\n"
        "lock = threading.Lock()\n"
        "total = 0\n"
        "def work():\n"
        "    global total\n"
        "    for _ in range(200):\n"
        "        with lock:\n"
        "            time.sleep(0.0002)\n"
        "            total += 1\n"
        "ts = [threading.Thread(target=work) for _ in range(4)]\n"
        "for t in ts: t.start()\n"
        "for t in ts: t.join()\n"
        "print('total', total)\n";
    write_file(dir + "/lock.py", program);
    // The interpreter itself, not a launcher script (pyenv's) whose children would write the logs.
    Result where = run("python3 -c 'import sys; print(sys.executable)'", dir);
    REQUIRE(where.status == 0);
    std::string python = where.out.substr(0, where.out.find('\n'));
    Result r = run(preload() + python + " lock.py", dir);
    REQUIRE(r.status == 0);
    CHECK(r.out == "total 800\n");
    Analysis a = analyze(dir + "/log.bin");
    const analyzer::WaitsSummary& s = a.run->analysis.waits;
    REQUIRE(s.present);
    const analyzer::WaitObject* lock = nullptr;
    for (const analyzer::WaitObject& o : s.objects)
        if (o.kind == shimlog::WaitKind::SemaphoreLock && (lock == nullptr || o.waits > lock->waits)) lock = &o;
    REQUIRE(lock != nullptr);
    CHECK(lock->waits >= 100);
    CHECK(lock->threads >= 3);
    // Thread.join waits once on each thread's own lock, which that thread posts
    // at its end without having waited for it: waiting for an event, not a lock.
    for (const analyzer::WaitObject& o : s.objects)
        if (o.kind == shimlog::WaitKind::SemaphoreLock) CHECK(o.waits >= 100);
    const analyzer::Finding* f = a.finding("lock-contention");
    REQUIRE(f != nullptr);
    CHECK(f->title.find("semaphore (as a lock)") != std::string::npos);
}
