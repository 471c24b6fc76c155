// `analyzer record` end to end: what the program prints, its exit status and
// its signals pass through; static and Go programs are named, not reported
// empty; `make install` gives a working `record`.
#include <catch2/catch.hpp>

#include <csignal>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

using namespace harness;

extern char** environ;

namespace {

std::string record() { return analyzer_path() + " record "; }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Starts `argv` with default signal handling and nothing blocked, whatever
// this test process inherited (a background `make test` ignores SIGINT),
// with stdout and stderr into files of `dir`.
pid_t spawn(const std::vector<std::string>& argv, const std::string& dir) {
    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_addopen(&files, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&files, 1, (dir + "/spawn.out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&files, 2, (dir + "/spawn.err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    if (posix_spawn(&pid, args[0], &files, &attr, args.data(), environ) != 0) pid = -1;
    posix_spawn_file_actions_destroy(&files);
    posix_spawnattr_destroy(&attr);
    return pid;
}

bool wait_for_file(const std::string& path, int seconds) {
    for (int i = 0; i < seconds * 20; ++i) {
        if (access(path.c_str(), F_OK) == 0) return true;
        usleep(50000);
    }
    return false;
}

}  // namespace

TEST_CASE("record passes the exit status, stdout and stderr through", "[record][integration]") {
    std::string dir = scratch_dir("record_status");
    Result r = run(record() + "-- sh -c 'echo to-stdout; echo to-stderr >&2; exit 3'", dir);
    CHECK(r.status == 3);
    CHECK(r.out == "to-stdout\n");  // the report goes to stderr, never into the program's output
    CHECK(contains(r.err, "to-stderr\n"));
    CHECK(contains(r.err, "--- analyzer report " + dir + "/log.bin ---"));
    CHECK(contains(r.err, "Findings"));

    Result quiet = run(record() + "--no-report -o other.bin sh -c 'exit 0'", dir);
    CHECK(quiet.status == 0);
    CHECK(quiet.err.empty());
    CHECK(access((dir + "/other.bin").c_str(), F_OK) == 0);
}

TEST_CASE("record dies of the signal its program died of", "[record][integration]") {
    std::string dir = scratch_dir("record_signal");
    Result r = run(record() + "--no-report -- sh -c 'kill -TERM $$'; echo \"status=$?\"", dir);
    CHECK(contains(r.out, "status=143"));  // 128 + SIGTERM, as for the bare program
    Result bare = run("sh -c 'kill -TERM $$'; echo \"status=$?\"", dir);
    CHECK(bare.out == r.out);
}

TEST_CASE("SIGINT sent to record reaches the program", "[record][integration]") {
    std::string dir = scratch_dir("record_sigint");
    std::string script = "trap 'echo got-sigint; exit 7' INT; : > " + dir + "/ready; while :; do sleep 0.05; done";
    pid_t pid = spawn({analyzer_path(), "record", "--no-report", "-o", dir + "/log.bin", "--", "/bin/sh", "-c", script},
                      dir);
    REQUIRE(pid > 0);
    bool ready = wait_for_file(dir + "/ready", 20);
    CHECK(ready);
    kill(pid, SIGINT);
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 7);
    CHECK(read_file(dir + "/spawn.out") == "got-sigint\n");
}

TEST_CASE("record: a missing command is exit 127 in one line", "[record][integration]") {
    std::string dir = scratch_dir("record_missing");
    Result r = run(record() + "-- no-such-command-here arg", dir);
    CHECK(r.status == 127);
    CHECK(r.err == "analyzer: no-such-command-here: command not found\n");
    Result no_command = run(record(), dir);
    CHECK(no_command.status == 2);
}

TEST_CASE("record names a static binary instead of reporting nothing", "[record][integration]") {
    std::string dir = scratch_dir("record_static");
    write_file(dir + "/hello.c", "#include <stdio.h>\nint main(void) { puts(\"static hello\"); return 5; }\n");
    if (run("gcc -static -o hello_static hello.c", dir).status != 0) {
        WARN("skipped: gcc -static failed (no libc.a? Debian's libc6-dev has it)");
        return;
    }
    Result r = run(record() + "-- ./hello_static", dir);
    CHECK(r.status == 5);
    CHECK(r.out == "static hello\n");
    CHECK(contains(r.err, "statically linked"));
    CHECK(contains(r.err, "LD_PRELOAD"));
    CHECK(contains(r.err, "no log was written"));
    CHECK_FALSE(contains(r.err, "Findings"));
}

TEST_CASE("record names a Go binary", "[record][integration]") {
    std::string dir = scratch_dir("record_go");
    if (run("command -v go", dir).status != 0) {
        WARN("skipped: no go toolchain (Debian golang-go)");
        return;
    }
    write_file(dir + "/main.go", "package main\n\nimport \"os\"\n\nfunc main() { os.Stdout.WriteString(\"go hello\\n\") }\n");
    std::string env = "HOME='" + dir + "' GOCACHE='" + dir + "/cache' GO111MODULE=off GOFLAGS= ";
    if (run(env + "go build -o hello_go main.go", dir).status != 0) {
        WARN("skipped: go build failed");
        return;
    }
    Result r = run(record() + "./hello_go", dir);
    CHECK(r.status == 0);
    CHECK(r.out == "go hello\n");
    CHECK(contains(r.err, "is a Go program"));
    CHECK(contains(r.err, "LD_PRELOAD cannot see"));
}

TEST_CASE("make install gives an analyzer whose record finds the shim", "[install][integration]") {
    std::string dir = scratch_dir("install");
    std::string prefix = dir + "/prefix";
    // -o: install what is built; never rebuild from under the running tests.
    Result made = run("make --no-print-directory -C '" + repo_root() +
                          "' -o analyzer/analyzer -o preload/libshim.so install PREFIX='" + prefix + "'",
                      dir);
    REQUIRE(made.status == 0);
    CHECK(access((prefix + "/lib/shim/libshim.so").c_str(), R_OK) == 0);
    CHECK(access((prefix + "/share/man/man1/analyzer.1").c_str(), R_OK) == 0);
    Result r = run("env -u SHIM_LIBRARY '" + prefix + "/bin/analyzer' record -- /bin/true", dir);
    CHECK(r.status == 0);
    CHECK(contains(r.err, "--- analyzer report"));
    CHECK(contains(r.err, "Command:  /bin/true"));
    if (run("command -v man", dir).status == 0) {
        Result man = run("MANWIDTH=80 man -l '" + prefix + "/share/man/man1/analyzer.1'", dir);
        CHECK(man.status == 0);
        for (const char* word : {"record", "report", "diff", "flame", "timeline", "--fail-on", "SHIM_LOG", "NO_COLOR"})
            CHECK(contains(man.out, word));
    }
}
