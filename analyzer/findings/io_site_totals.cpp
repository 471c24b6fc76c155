#include "io_site_totals.h"

#include "../analysis/file_groups.h"

namespace analyzer {
namespace {

uint64_t small_calls(const IoSite& site, uint64_t small_bytes) {
    uint64_t n = 0;
    for (unsigned b = 1; b < shimlog::kSizeBuckets; ++b) {
        static const uint64_t upper[] = {0, 1, 16, 512, 4096, 65536, 1u << 20, UINT64_MAX};
        if (upper[b] <= small_bytes) n += site.histogram[b];
    }
    return n;
}

// At most this share of the calls went on from where the previous access
// ended: the rest jumped, so reading ahead would fetch what is not wanted.
constexpr double kScatteredMaxSequentialShare = 0.5;

}  // namespace

std::map<std::tuple<uint32_t, uint64_t, bool>, SiteTotals> totals_by_site(const Log& log, uint64_t small_bytes) {
    std::map<std::tuple<uint32_t, uint64_t, bool>, SiteTotals> totals;
    FileGroups groups = group_files(log);  // a file reopened per item is still one file
    for (const IoSite& site : log.io_sites) {
        if (shimlog::is_stdio(site.syscall)) continue;  // stdio buffers: its small calls are cheap
        bool writes = shimlog::is_write(site.syscall);
        uint32_t file = groups.of(site.file_id);
        SiteTotals& t = totals[{file, site.site, writes}];
        t.file_id = file;
        t.site = site.site;
        t.writes = writes;
        if (t.stack_id == 0) t.stack_id = site.stack_id;
        if (site.calls > t.main_calls) {
            t.main_calls = site.calls;
            t.main_syscall = site.syscall;
            t.stream = site.made_by_stream() ? &site : nullptr;
        }
        t.calls += site.calls;
        t.bytes += site.bytes_done;
        t.small += small_calls(site, small_bytes);
        t.sequential += site.sequential;
        t.consecutive += site.consecutive;
        t.time_ns += site.time_ns;
        t.untimed += site.untimed_calls;
        t.repeated += site.repeated;
        t.repeats_known = t.repeats_known && site.repeats_known;
        for (unsigned b = 0; b < shimlog::kSizeBuckets; ++b) t.histogram[b] += site.histogram[b];
    }
    return totals;
}

bool scattered_reads(const Log& log, const SiteTotals& t) {
    if (t.writes || t.stream != nullptr || t.calls == 0) return false;
    const FileInfo* file = log.file(t.file_id);
    // Offsets mean something only on a regular file (a pipe or socket has none).
    if (file == nullptr || file->kind != shimlog::FileKind::Regular) return false;
    return double(t.sequential) <= kScatteredMaxSequentialShare * double(t.calls);
}

}  // namespace analyzer
