#include "analysis.h"

#include <algorithm>
#include <map>
#include <utility>


namespace harness {

Analysis::Analysis(std::unique_ptr<analyzer::RunAnalysis> analysed)
    : run(std::move(analysed)), log(run->log), sites(run->sites.get()), findings(run->all_findings) {}

Analysis analyze(const std::string& log_path, analyzer::Thresholds limits) {
    analyzer::Progress quiet(0);  // tests' logs are small: never shown
    return Analysis(analyzer::analyze_log(analyzer::decode_log_file(log_path), limits, quiet));
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

double run_queue_wait_seconds(const analyzer::Log& log) {
    std::map<uint32_t, uint64_t> last;
    for (const analyzer::ThreadCpuReading& r : log.samples.thread_wait) last[r.tid] = std::max(last[r.tid], r.cpu_ns);
    double ns = 0;
    for (const auto& entry : last) ns += double(entry.second);
    return ns / 1e9;
}

}  // namespace harness
