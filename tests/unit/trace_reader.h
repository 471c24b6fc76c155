// The Chrome trace tests' helpers: a trace written from a model Log, and a
// Python script that reads it back as a viewer would (json.load) and prints
// what the test compares.
#pragma once
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "../../analyzer/pipeline.h"
#include "../../analyzer/views/chrome_trace.h"

namespace trace_reader {

inline std::string trace_of(const analyzer::Log& log, const analyzer::TimelineOptions& options = {},
                            std::vector<std::string>* notes = nullptr) {
    analyzer::Symbolizer symbols({});
    analyzer::CallSites sites(log, symbols);
    std::ostringstream out;
    analyzer::Analysis analysis = analyze_with_limits(log, sites, analyzer::AllocReport{}, options.limits);
    std::vector<std::string> said = write_chrome_trace(log, analysis, sites, options, out);
    if (notes) *notes = said;
    return out.str();
}

// What `script` prints (stdout and stderr) given the trace's path as argv[1].
inline std::string python_on(const std::string& script, const std::string& json) {
    std::string path = "/tmp/test_trace_" + std::to_string(getpid()) + ".json";
    std::ofstream(path) << json;
    std::string command = "python3 -c \"$SCRIPT\" " + path + " 2>&1";
    setenv("SCRIPT", script.c_str(), 1);
    std::string out;
    if (FILE* p = popen(command.c_str(), "r")) {
        char buf[512];
        while (fgets(buf, sizeof buf, p)) out += buf;
        pclose(p);
    }
    unlink(path.c_str());
    return out;
}

}  // namespace trace_reader
