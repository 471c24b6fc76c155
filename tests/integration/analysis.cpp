#include "analysis.h"

namespace harness {

Analysis analyze(const std::string& log_path, analyzer::Thresholds limits) {
    Analysis a;
    a.log = analyzer::decode_log_file(log_path);
    a.symbols = std::make_unique<analyzer::Symbolizer>(a.log.modules);
    a.sites = std::make_unique<analyzer::CallSites>(a.log, *a.symbols);
    a.findings = analyzer::find_all(a.log, *a.sites, limits);
    return a;
}

static bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

uint64_t Analysis::calls_on(const std::string& suffix, bool writes) const {
    uint64_t calls = 0;
    for (const analyzer::IoSite& site : log.io_sites) {
        const analyzer::FileInfo* file = log.file(site.file_id);
        if (file && ends_with(file->path, suffix) && shimlog::is_write(site.syscall) == writes)
            calls += site.calls;
    }
    return calls;
}

const analyzer::Finding* Analysis::finding(const std::string& kind) const {
    for (const analyzer::Finding& f : findings)
        if (f.kind == kind) return &f;
    return nullptr;
}

}  // namespace harness
