// A mapped log that shrinks under the analyzer: one line and status 2, not
// "Bus error" (another process writing or truncating the log is ordinary).
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "../../analyzer/decode/log_bytes.h"

TEST_CASE("a log truncated while mapped ends the analyzer with one line", "[decode][log_bytes]") {
    char path[] = "/tmp/shim_shrinking_log_XXXXXX";
    int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    std::string block(1 << 20, 'x');
    REQUIRE(write(fd, block.data(), block.size()) == ssize_t(block.size()));
    int err_pipe[2];
    REQUIRE(pipe(err_pipe) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {  // the analyzer's side, in a process of its own
        dup2(err_pipe[1], STDERR_FILENO);
        auto bytes = analyzer::LogBytes::open_file(path);
        if (ftruncate(fd, 4096) != 0) _exit(3);
        volatile char past_end = bytes->data()[bytes->size() - 1];
        (void)past_end;
        _exit(0);  // not reached: the read above faults
    }
    close(err_pipe[1]);
    std::string err;
    char buf[512];
    for (ssize_t n; (n = read(err_pipe[0], buf, sizeof buf)) > 0;) err.append(buf, size_t(n));
    close(err_pipe[0]);
    int status = 0;
    waitpid(child, &status, 0);
    close(fd);
    unlink(path);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 2);
    CHECK(err == std::string("analyzer: ") + path +
                     ": the file shrank while it was being read (another process is writing or truncating it); "
                     "analyse it once it is complete\n");
}
