// The golden logs: small logs an earlier shim wrote (logs/), and the report the
// analyzer made of each when they were checked in (expected/). A shipped
// record never changes, so every later analyzer must turn these same bytes
// into the same report, text and JSON, byte for byte. README.md beside this
// file says how they were made and when (rarely) to regenerate them.
#include <catch2/catch.hpp>

#include "../integration/harness.h"

using namespace harness;

namespace {

const char* const kGoldenLogs[] = {"words_unbuffered", "words_buffered", "words_alloc", "mandelbrot_workers",
                                     "waits_handshake"};

// The reports name functions in the system's libraries (libc, libstdc++) from
// the files on this machine: a machine whose libraries are other builds (the
// analyzer says their build-id differs) shows those frames as module+offset,
// and its report cannot match. Nothing about the log is wrong then.
bool system_libraries_differ(const std::string& err) {
    return err.find("differs from the recorded one") != std::string::npos;
}

}  // namespace

TEST_CASE("golden logs decode to the reports checked in beside them", "[golden]") {
    const std::string dir = repo_root() + "/tests/golden";
    for (const char* name : kGoldenLogs) {
        const std::string log = std::string("logs/") + name + ".bin";
        for (const std::string format : {"txt", "json"}) {
            INFO(name << " as " << format);
            // TZ: the report shows the run's start in local time.
            Result r = run("TZ=UTC " + analyzer_path() + " report " + log + (format == "json" ? " --format json" : ""),
                           dir);
            if (system_libraries_differ(r.err)) {
                WARN("skipped " << name << ": this machine's system libraries are other builds than the ones the "
                                   "golden logs were recorded with (" << r.err.substr(0, 200) << ")");
                continue;
            }
            REQUIRE(r.status == 0);
            CHECK(r.out == read_file(dir + "/expected/" + name + ".report." + format));
        }
    }
}
