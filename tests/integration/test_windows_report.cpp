// `analyzer report --windows` and `analyzer diff` of two windows, on window
// logs made by hand: three real runs of words (buffered, unbuffered, alloc)
// named log.bin, log.bin.w2 and log.bin.w3, as if one process had changed its
// behaviour between windows.
#include <catch2/catch.hpp>

#include "harness.h"

using namespace harness;

namespace {

std::string three_windows() {
    std::string dir = scratch_dir("windows_report");
    std::string words = preload() + words_path() + " --mode ";
    Result made = run(words + "unbuffered '" + book_path() + "' && mv log.bin log.bin.w2 && " + words + "alloc '" +
                          book_path() + "' && mv log.bin log.bin.w3 && " + words + "buffered '" + book_path() + "'",
                      dir);
    REQUIRE(made.status == 0);
    return dir;
}

// The line of `text` that starts (after indentation) with `key`.
std::string line_with(const std::string& text, const std::string& key) {
    size_t at = text.find("  " + key + " ");
    if (at == std::string::npos) return "";
    return text.substr(at, text.find('\n', at) - at);
}

}  // namespace

TEST_CASE("windows: report --windows puts the windows side by side, a regression visible", "[windows][integration]") {
    std::string dir = three_windows();
    Result r = run(analyzer_path() + " report log.bin --windows", dir);
    INFO(r.out << r.err);
    REQUIRE(r.status == 0);
    CHECK(r.out.find("Windows of log.bin: pid ") != std::string::npos);
    CHECK(r.out.find("window 1") != std::string::npos);
    CHECK(r.out.find("window 3") != std::string::npos);
    // Three runs, three pids: said, not hidden.
    CHECK(r.out.find("not a window of the same process") != std::string::npos);
    std::string reads = line_with(r.out, "read calls");
    INFO(reads);
    CHECK(reads.find(" 1,270,331 (\u00d7") != std::string::npos);  // window 2 against window 1's few calls
    CHECK(reads.find("(\u2212") != std::string::npos);             // and window 3 back down
    std::string allocations = line_with(r.out, "allocations");
    CHECK(allocations.find("(\u00d7") != std::string::npos);  // words alloc: one allocation a byte
    CHECK(r.out.find("Findings (cost)") != std::string::npos);
    CHECK(r.out.find("unbuffered-io at readbyte()") != std::string::npos);
    CHECK(line_with(r.out, "unbuffered-io at readbyte() in words.cpp").find(" (new) ") != std::string::npos);
    CHECK(r.out.find("alloc-hotspot at ") != std::string::npos);

    Result json = run(analyzer_path() + " report log.bin --windows --format json", dir);
    REQUIRE(json.status == 0);
    size_t row = json.out.find("\"key\":\"read calls\"");
    REQUIRE(row != std::string::npos);
    std::string values = json.out.substr(json.out.find("\"values\":[", row), 60);
    INFO(values);
    CHECK(values.find(",1270331,") != std::string::npos);
    CHECK(json.out.find("\"window\":\"3\"") != std::string::npos);

    // The shell's glob of the later windows: taken as windows too, w2 before w3.
    Result glob = run(analyzer_path() + " report log.bin.w3 log.bin.w2", dir);
    REQUIRE(glob.status == 0);
    CHECK(glob.out.find("window 2") < glob.out.find("window 3"));
}

TEST_CASE("windows: diff of two windows names them with their time ranges", "[windows][integration]") {
    std::string dir = three_windows();
    Result r = run(analyzer_path() + " diff log.bin log.bin.w2", dir);
    INFO(r.out << r.err);
    REQUIRE(r.status == 0);
    CHECK(r.out.rfind("Two windows of one recording: pid ", 0) == 0);
    CHECK(r.out.find("\nWindow 1:  log.bin  ") != std::string::npos);
    CHECK(r.out.find("\nWindow 2:  log.bin.w2  ") != std::string::npos);
    CHECK(r.out.find(" UTC (") != std::string::npos);
    CHECK(line_with(r.out, "read calls").find("\u2192 1,270,331") != std::string::npos);

    Result json = run(analyzer_path() + " diff log.bin log.bin.w2 --format json", dir);
    REQUIRE(json.status == 0);
    CHECK(json.out.find("\"window\":\"2\"") != std::string::npos);

    Result missing = run(analyzer_path() + " report nothing.bin --windows", dir);
    CHECK(missing.status == 2);
    CHECK(missing.err == "analyzer: cannot open nothing.bin or any window of it (nothing.bin.w2, ...)\n");
}
