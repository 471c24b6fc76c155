// The shim's SHIM_* settings (preload/settings.h), linked in-process: each
// parser's valid and invalid values, and a bad value said once however often
// the setting is asked for.
#include <catch2/catch.hpp>

#include <climits>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <string>
#include <unistd.h>

#include "../../preload/settings.h"

using namespace shim::settings_parse;

namespace {

// What `fn` says on stderr (shim_messages.h writes there with write(2)).
template <typename Fn>
std::string said_by(Fn fn) {
    int pipe_fds[2];
    REQUIRE(pipe2(pipe_fds, O_NONBLOCK) == 0);
    int saved = dup(2);
    dup2(pipe_fds[1], 2);
    fn();
    dup2(saved, 2);
    close(saved);
    close(pipe_fds[1]);
    std::string text;
    char buf[512];
    for (ssize_t n; (n = read(pipe_fds[0], buf, sizeof buf)) > 0;) text.append(buf, size_t(n));
    close(pipe_fds[0]);
    return text;
}

}  // namespace

TEST_CASE("SHIM_STACK_VERIFY takes a positive count", "[shim]") {
    bool bad = true;
    CHECK(stack_verify_every(nullptr, &bad) == 0);
    CHECK_FALSE(bad);
    CHECK(stack_verify_every("", &bad) == 0);
    CHECK_FALSE(bad);
    CHECK(stack_verify_every("8", &bad) == 8);
    CHECK_FALSE(bad);
    CHECK(stack_verify_every("4294967295", &bad) == 4294967295u);
    CHECK_FALSE(bad);
    for (const char* wrong : {"0", "-1", "8x", "4294967296", "x"}) {
        INFO(wrong);
        CHECK(stack_verify_every(wrong, &bad) == 0);
        CHECK(bad);
    }
}

TEST_CASE("SHIM_ALLOC_SAMPLE takes 1 to 2^40 bytes", "[shim]") {
    bool bad = true;
    CHECK(alloc_sample_bytes(nullptr, &bad) == 0);
    CHECK_FALSE(bad);
    CHECK(alloc_sample_bytes("524288", &bad) == 524288);
    CHECK_FALSE(bad);
    CHECK(alloc_sample_bytes("1099511627776", &bad) == (1ull << 40));
    CHECK_FALSE(bad);
    for (const char* wrong : {"0", "1099511627777", "1k", " "}) {
        INFO(wrong);
        CHECK(alloc_sample_bytes(wrong, &bad) == 0);
        CHECK(bad);
    }
}

TEST_CASE("SHIM_SAMPLE_US takes 100 to 100000 microseconds", "[shim]") {
    bool bad = true;
    CHECK(sample_interval_us(nullptr, &bad) == shim::kDefaultSampleIntervalUs);
    CHECK_FALSE(bad);
    CHECK(sample_interval_us("100", &bad) == 100);
    CHECK_FALSE(bad);
    CHECK(sample_interval_us("100000", &bad) == 100000);
    CHECK_FALSE(bad);
    for (const char* wrong : {"99", "100001", "1ms"}) {
        INFO(wrong);
        CHECK(sample_interval_us(wrong, &bad) == shim::kDefaultSampleIntervalUs);
        CHECK(bad);
    }
}

TEST_CASE("SHIM_CPU_HZ takes 0 (off) to 10000 samples a second, 100 by default", "[shim]") {
    bool bad = true;
    CHECK(cpu_hz(nullptr, &bad) == shim::kDefaultCpuHz);
    CHECK_FALSE(bad);
    CHECK(cpu_hz("0", &bad) == 0);
    CHECK_FALSE(bad);
    CHECK(cpu_hz("10000", &bad) == 10000);
    CHECK_FALSE(bad);
    for (const char* wrong : {"10001", "-1", "100Hz", "fast"}) {
        INFO(wrong);
        CHECK(cpu_hz(wrong, &bad) == shim::kDefaultCpuHz);
        CHECK(bad);
    }
}

TEST_CASE("SHIM_CPU_SIGNAL takes SIGPROF, SIGVTALRM or a real-time signal", "[shim]") {
    bool bad = true;
    CHECK(cpu_signal(nullptr, &bad) == SIGPROF);
    CHECK_FALSE(bad);
    CHECK(cpu_signal("SIGVTALRM", &bad) == SIGVTALRM);
    CHECK(cpu_signal("PROF", &bad) == SIGPROF);
    CHECK(cpu_signal("RTMIN+3", &bad) == SIGRTMIN + 3);
    CHECK(cpu_signal(std::to_string(SIGRTMAX).c_str(), &bad) == SIGRTMAX);
    CHECK_FALSE(bad);
    // The program's own signals (job control, faults, SIGALRM) are not ours to take.
    for (const char* wrong : {"SIGALRM", "15", "11", "RTMIN+99", "PROFX"}) {
        INFO(wrong);
        CHECK(cpu_signal(wrong, &bad) == SIGPROF);
        CHECK(bad);
    }
}

TEST_CASE("SHIM_DIRECT_SYSCALLS is 0 or 1, on by default", "[shim]") {
    bool bad = true;
    CHECK(direct_syscalls(nullptr, &bad));
    CHECK_FALSE(bad);
    CHECK_FALSE(direct_syscalls("0", &bad));
    CHECK_FALSE(bad);
    CHECK(direct_syscalls("1", &bad));
    CHECK_FALSE(bad);
    CHECK(direct_syscalls("", &bad));
    CHECK(bad);
    CHECK(direct_syscalls("no", &bad));
    CHECK(bad);
}

TEST_CASE("SHIM_TEST_NO_TASK_IO and SHIM_LOG's length", "[shim]") {
    CHECK(no_task_io("1"));
    CHECK_FALSE(no_task_io(nullptr));
    CHECK_FALSE(no_task_io("0"));
    CHECK_FALSE(log_name_too_long(nullptr));
    CHECK_FALSE(log_name_too_long("log.bin"));
    CHECK(log_name_too_long(std::string(PATH_MAX - 32, 'a').c_str()));
    CHECK_FALSE(log_name_too_long(std::string(PATH_MAX - 33, 'a').c_str()));
}

TEST_CASE("a bad setting is read once and said once", "[shim]") {
    setenv("SHIM_SAMPLE_US", "7", 1);
    uint32_t first = 0, second = 0;
    std::string said = said_by([&] { first = shim::setting_sample_interval_us(); });
    setenv("SHIM_SAMPLE_US", "500", 1);  // too late: the shim read it already
    std::string again = said_by([&] { second = shim::setting_sample_interval_us(); });
    unsetenv("SHIM_SAMPLE_US");
    CHECK(first == shim::kDefaultSampleIntervalUs);
    CHECK(second == first);
    CHECK(said == "shim: SHIM_SAMPLE_US=7 is not between 100 and 100000; using 1000\n");
    CHECK(again.empty());
}

TEST_CASE("SHIM_START, SHIM_PERIOD and SHIM_KEEP: recording windows", "[shim]") {
    bool bad = false;
    CHECK(start_mode(nullptr, &bad) == shim::StartMode::Uncontrolled);
    CHECK_FALSE(bad);
    CHECK(start_mode("paused", &bad) == shim::StartMode::Paused);
    CHECK(start_mode("running", &bad) == shim::StartMode::Running);
    CHECK_FALSE(bad);
    CHECK(start_mode("pause", &bad) == shim::StartMode::Uncontrolled);
    CHECK(bad);
    CHECK(period_s("60", &bad) == 60);
    CHECK_FALSE(bad);
    CHECK(period_s(nullptr, &bad) == 0);
    CHECK(period_s("86401", &bad) == 0);
    CHECK(bad);
    CHECK(period_s("-5", &bad) == 0);
    CHECK(bad);
    CHECK(period_s("1m", &bad) == 0);
    CHECK(bad);
    CHECK(keep("2", &bad) == 2);
    CHECK_FALSE(bad);
    CHECK(keep("two", &bad) == 0);
    CHECK(bad);
}

TEST_CASE("SHIM_MAX_LOG_MB: a budget per window, 128 MiB by default with SHIM_PERIOD", "[shim]") {
    bool bad = true;
    CHECK(max_log_mb(nullptr, false, &bad) == 0);
    CHECK_FALSE(bad);
    CHECK(max_log_mb(nullptr, true, &bad) == shim::kDefaultPeriodicLogMb);
    CHECK(max_log_mb("", true, &bad) == 128);
    CHECK_FALSE(bad);
    CHECK(max_log_mb("1", false, &bad) == 1);
    CHECK_FALSE(bad);
    CHECK(max_log_mb("0", true, &bad) == 0);  // periodic, no budget: said by the user
    CHECK_FALSE(bad);
    CHECK(max_log_mb("-1", true, &bad) == 128);
    CHECK(bad);
    CHECK(max_log_mb("1.5", false, &bad) == 0);
    CHECK(bad);
    CHECK(max_log_mb("2000000", false, &bad) == 0);
    CHECK(bad);
}
