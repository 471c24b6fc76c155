// The shim's layers point one way: hooks -> recorders -> log. Recorders write
// through log/record_sink.h and never include the flush; in log/ only flush.cpp
// knows the recorders (it asks each to write its state).
#include <catch2/catch.hpp>

#include <dirent.h>
#include <fstream>
#include <string>
#include <vector>

#include "../integration/harness.h"

namespace {

std::vector<std::string> sources_in(const std::string& dir) {
    std::vector<std::string> names;
    DIR* d = opendir(dir.c_str());
    REQUIRE(d != nullptr);
    while (dirent* entry = readdir(d)) {
        std::string name = entry->d_name;
        auto ends_with = [&](const std::string& tail) {
            return name.size() > tail.size() && name.compare(name.size() - tail.size(), tail.size(), tail) == 0;
        };
        if (ends_with(".cpp") || ends_with(".h")) names.push_back(name);
    }
    closedir(d);
    return names;
}

// The quoted #include lines of a file.
std::vector<std::string> includes_of(const std::string& path) {
    std::vector<std::string> found;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);)
        if (line.rfind("#include \"", 0) == 0) found.push_back(line.substr(10, line.find('"', 10) - 10));
    return found;
}

}  // namespace

TEST_CASE("the shim's layers include only downwards", "[shim]") {
    const std::string preload = harness::repo_root() + "/preload";
    for (const std::string& name : sources_in(preload + "/record")) {
        for (const std::string& include : includes_of(preload + "/record/" + name)) {
            INFO("record/" << name << " includes " << include);
            CHECK(include != "../log/flush.h");
            CHECK(include.rfind("../hooks/hooks_", 0) != 0);
        }
    }
    for (const std::string& name : sources_in(preload + "/log")) {
        if (name == "flush.cpp") continue;
        for (const std::string& include : includes_of(preload + "/log/" + name)) {
            INFO("log/" << name << " includes " << include);
            CHECK(include.rfind("../record/", 0) != 0);
            CHECK(include.rfind("../hooks/hooks_", 0) != 0);
        }
    }
}
