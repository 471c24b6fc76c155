// The pieces behind record, diff and the CI gates, without running programs.
#include <catch2/catch.hpp>

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <unistd.h>

#include "../../analyzer/cli/child_process.h"
#include "../../analyzer/symbols/elf_kind.h"
#include "../../analyzer/cli/gates.h"
#include "../../analyzer/diff/compare.h"
#include "../../analyzer/symbols/site_key.h"
#include "../../analyzer/text/terminal.h"
#include "../../analyzer/views/diff.h"

using namespace analyzer;

TEST_CASE("bare_function drops the parameter list only", "[diff][unit]") {
    CHECK(bare_function("readbyte(int)") == "readbyte");
    CHECK(bare_function("ns::Reader::fill(char*, unsigned long) const") == "ns::Reader::fill");
    CHECK(bare_function("std::vector<int>::push_back(int const&)") == "std::vector<int>::push_back");
    CHECK(bare_function("operator()") == "operator()");
    CHECK(bare_function("Foo::operator()(int)") == "Foo::operator()");
    CHECK(bare_function("start<render_workers(Image&, int)::<lambda()> >") ==
          "start<render_workers(Image&, int)::<lambda()> >");
    CHECK(bare_function("main") == "main");
    CHECK(bare_function("") == "");
}

TEST_CASE("site_key ignores lines, directories and thread ids", "[diff][unit]") {
    CHECK(site_key("readbyte(int) at workloads/words.cpp:82") == "readbyte() in words.cpp");
    CHECK(site_key("readbyte(BufferedReader&) at /src/words.cpp:91") == "readbyte() in words.cpp");
    CHECK(site_key("png_malloc+0xe (libpng16.so.16)") == "png_malloc() in libpng16.so.16");
    CHECK(site_key("libstdc++.so.6+0xa57ba") == "libstdc++.so.6+0xa57ba");
    CHECK(site_key("worker() at m.cpp:72 (tid 15257)") == "worker() in m.cpp");
    CHECK(site_key("the whole process") == "the whole process");
}

TEST_CASE("signed_percent shows a change neither as 0 nor as a full 100%", "[diff][unit]") {
    CHECK(signed_percent(21.0 / 1270331 - 1) == "\u221299.998%");
    CHECK(signed_percent(-1) == "\u2212100%");
    CHECK(signed_percent(0.5) == "+50%");
    CHECK(signed_percent(-0.981) == "\u221298.1%");
    CHECK(signed_percent(0.00001) == "+0.001%");
    CHECK(format_value(1270331, Unit::Count) == "1,270,331");
    CHECK(format_value(0.52, Unit::Ratio) == "0.52");
}

namespace {

RunSummary summary(const std::string& path, const std::vector<SummarySection>& sections) {
    RunSummary s;
    s.path = path;
    s.sections = sections;
    return s;
}

}  // namespace

TEST_CASE("diff_runs pairs rows by key and counts a missing row as zero", "[diff][unit]") {
    SummarySection before_sites{"io_sites", "I/O call sites", true,
                                {{"read at readbyte() in words.cpp", {{"calls", Unit::Count, 1270331, false}}}}};
    SummarySection after_sites{"io_sites", "I/O call sites", true,
                               {{"read at fill() in words.cpp", {{"calls", Unit::Count, 21, false}}}}};
    SummarySection before_threads{"threads", "Threads", false, {{"serial fraction", {{"fraction", Unit::Ratio, 0.5, true}}}}};
    RunDiff diff = diff_runs(summary("a.bin", {before_sites, before_threads}), summary("b.bin", {after_sites}));
    REQUIRE(diff.sections.size() == 2);
    const SectionChange& sites = diff.sections[0];
    REQUIRE(sites.rows.size() == 2);
    CHECK(sites.rows[0].key == "read at readbyte() in words.cpp");  // ranked: the biggest first
    CHECK(sites.rows[0].in_before);
    CHECK_FALSE(sites.rows[0].in_after);
    CHECK(sites.rows[0].metrics[0].before == 1270331);
    CHECK(sites.rows[0].metrics[0].after == 0);
    double change = 0;
    CHECK(sites.rows[0].metrics[0].relative_change(change));
    CHECK(change == -1);
    CHECK_FALSE(sites.rows[1].metrics[0].relative_change(change));  // 0 -> 21: new, no ratio
    // The serial fraction needs samples in both runs: left out, not "0.5 -> 0".
    CHECK(diff.sections[1].rows.empty());
}

TEST_CASE("gates: kinds are checked and reads per MiB computed over all files", "[gates][unit]") {
    CHECK(unknown_kind_error({"unbuffered-io", "serial-phase"}).empty());
    std::string error = unknown_kind_error({"leak", "slow"});
    CHECK(error.find("'slow'") != std::string::npos);
    CHECK(error.find("alloc-hotspot") != std::string::npos);

    Log log;
    IoSite reads;
    reads.syscall = shimlog::Syscall::read;
    reads.calls = 4096;
    reads.bytes_done = 4u << 20;  // 4 MiB in 4,096 calls: 1,024 per MiB
    IoSite writes;
    writes.syscall = shimlog::Syscall::write;
    writes.calls = 1000000;
    log.io_sites = {reads, writes};
    CHECK(reads_per_mib(log) == 1024);
    Gates gates;
    gates.max_reads_per_mib = 2000;
    CHECK(failed_gates(gates, log, {}).empty());
    gates.max_reads_per_mib = 1000;
    CHECK(failed_gates(gates, log, {}).size() == 1);

    Finding f;
    f.kind = "leak";
    f.title = "Leak: 2 MiB";
    gates = Gates{};
    gates.fail_on = {"leak"};
    std::vector<std::string> failed = failed_gates(gates, log, {f});
    REQUIRE(failed.size() == 1);
    CHECK(failed[0] == "--fail-on leak: 1 finding, the first: Leak: 2 MiB");
    // Lost events: no gate passes on them, and one that failed anyway says why it did.
    log.end.dropped = 1270375;
    failed = failed_gates(gates, log, {});
    REQUIRE(failed.size() == 1);
    CHECK(failed[0] == "the shim dropped 1,270,375 events in this run, so no gate can pass on its counts");
    CHECK(failed_gates(gates, log, {f}).size() == 1);
    CHECK(failed_gates(Gates{}, log, {}).empty());  // no gate asked for: nothing fails
    log.end.dropped = 0;
    log.io_sites.clear();
    CHECK(reads_per_mib(log) == 0);
}

TEST_CASE("find_command searches PATH like the shell", "[record][unit]") {
    int error = 0;
    std::string sh = find_command("sh", error);
    CHECK(!sh.empty());
    CHECK(sh.find("/sh") != std::string::npos);
    CHECK(find_command("/bin/sh", error) == "/bin/sh");
    CHECK(find_command("no-such-command-anywhere", error).empty());
    CHECK(error == ENOENT);
    char plain[] = "/tmp/find_command_XXXXXX";
    int fd = mkstemp(plain);  // mode 0600: there, but not executable
    REQUIRE(fd >= 0);
    close(fd);
    CHECK(find_command(plain, error).empty());
    CHECK(error == EACCES);
    unlink(plain);
}

TEST_CASE("elf_kind tells dynamic programs from others", "[record][unit]") {
    CHECK(elf_kind("/bin/sh") == ElfKind::Dynamic);
    CHECK(elf_kind("/etc/passwd") == ElfKind::NotElf);
    CHECK(elf_kind("/no/such/file") == ElfKind::NotElf);
    CHECK(preload_blind_spot(ElfKind::Dynamic, "/bin/sh").empty());
    CHECK(preload_blind_spot(ElfKind::Static, "./s").find("LD_PRELOAD") != std::string::npos);
    CHECK(preload_blind_spot(ElfKind::Go, "./g").find("Go") != std::string::npos);
}

TEST_CASE("colour only on a terminal and never with NO_COLOR", "[terminal][unit]") {
    const char* saved = getenv("NO_COLOR");
    std::string saved_value = saved ? saved : "";
    int null_fd = open("/dev/null", O_WRONLY);
    REQUIRE(null_fd >= 0);
    unsetenv("NO_COLOR");
    CHECK_FALSE(colour_wanted(null_fd));  // not a terminal
    int terminal = posix_openpt(O_RDWR | O_NOCTTY);
    if (terminal >= 0) {
        const char* term = getenv("TERM");
        std::string term_value = term ? term : "";
        setenv("TERM", "xterm", 1);
        CHECK(colour_wanted(terminal));
        setenv("NO_COLOR", "1", 1);
        CHECK_FALSE(colour_wanted(terminal));
        setenv("NO_COLOR", "", 1);  // no-color.org: empty means not set
        CHECK(colour_wanted(terminal));
        if (term) setenv("TERM", term_value.c_str(), 1); else unsetenv("TERM");
        close(terminal);
    }
    close(null_fd);
    if (saved) setenv("NO_COLOR", saved_value.c_str(), 1); else unsetenv("NO_COLOR");
    CHECK(paint("x", Paint::Heading, false) == "x");
    CHECK(paint("x", Paint::Heading, true) == "\033[1mx\033[0m");
}
