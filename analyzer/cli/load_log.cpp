#include "load_log.h"

#include <iostream>
#include <set>
#include <sys/stat.h>

namespace analyzer {

uint64_t file_size(const std::string& path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) ? uint64_t(st.st_size) : 0;
}

std::unique_ptr<RunAnalysis> analyze_run(const std::string& path, const Thresholds& limits) {
    Progress progress(file_size(path));
    return analyze_log(load_log(path, progress), limits, progress);
}

Log load_log(const std::string& path, Progress& progress) {
    // The file is mapped, not read: decoding walks the record headers and
    // leaves the allocation chunks for the analysis to stream.
    if (progress.shown()) progress.stage("decoding " + path);
    return decode_log_file(path);
}

bool load_log_or_say(const std::string& path, Log& log, Progress& progress) {
    try {
        log = load_log(path, progress);
        return true;
    } catch (const LogError& e) {
        std::cerr << "analyzer: " << e.what() << "\n";
        return false;
    }
}

bool load_log_or_say(const std::string& path, Log& log) {
    Progress quiet(0);  // never shown: below its size threshold
    return load_log_or_say(path, log, quiet);
}

void note_if_partial(const Log& log) {
    if (log.partial) std::cerr << "analyzer: note: the log is partial (" << log.partial_reason << ")\n";
}

// Once per module for the whole command: `report --children` on a loop of 500
// processes said "no debug info for /usr/bin/bash" 500 times.
void print_symbol_notes(const Symbolizer& symbols) {
    static std::set<std::string> said;
    for (const std::string& warning : symbols.warnings())
        if (said.insert(warning).second) std::cerr << "analyzer: note: " << warning << "\n";
}

}  // namespace analyzer
