// Per-syscall and per-file sums of the I/O sites, shared by the views, the findings and the diff.
#include <algorithm>
#include <map>
#include <tuple>

#include "file_groups.h"
#include "io_totals.h"

namespace analyzer {

namespace {

std::vector<SyscallTotals> totals_where(const Log& log, bool stdio) {
    std::map<shimlog::Syscall, SyscallTotals> by;
    for (const IoSite& site : log.io_sites) {
        if (shimlog::is_second_side(site.syscall)) continue;  // the same call, counted at its source
        if (shimlog::is_stdio(site.syscall) != stdio) continue;
        SyscallTotals& t = by[site.syscall];
        t.syscall = site.syscall;
        t.calls += site.calls;
        t.errors += site.errors;
        t.time_ns += site.time_ns;
        t.untimed_calls += site.untimed_calls;
    }
    std::vector<SyscallTotals> out;
    for (const auto& entry : by) out.push_back(entry.second);
    std::stable_sort(out.begin(), out.end(), [](const SyscallTotals& a, const SyscallTotals& b) {
        return a.time_ns != b.time_ns ? a.time_ns > b.time_ns : a.calls > b.calls;
    });
    return out;
}

}  // namespace

std::vector<SyscallTotals> totals_by_syscall(const Log& log) { return totals_where(log, false); }
std::vector<SyscallTotals> totals_by_stdio_call(const Log& log) { return totals_where(log, true); }

const char* op_label(const FileTotals& t) {
    if (t.stdio) return t.writes ? "stdio wr" : "stdio rd";
    return t.writes ? "write" : "read";
}

std::vector<FileTotals> totals_by_file(const Log& log) {
    FileGroups groups = group_files(log);
    std::map<std::tuple<uint32_t, bool, bool>, FileTotals> by;
    for (const IoSite& site : log.io_sites) {
        bool writes = shimlog::is_write(site.syscall);
        bool stdio = shimlog::is_stdio(site.syscall);
        uint32_t file = groups.of(site.file_id);
        FileTotals& t = by[{file, writes, stdio}];
        t.file_id = file;
        t.opens = groups.opens_of(file);
        t.writes = writes;
        t.stdio = stdio;
        t.calls += site.calls;
        t.bytes += site.bytes_done;
        t.errors += site.errors;
        t.eof += site.eof;
        t.sequential += site.sequential;
        t.consecutive += site.consecutive;
        t.time_ns += site.time_ns;
        t.untimed_calls += site.untimed_calls;
        for (unsigned b = 0; b < shimlog::kSizeBuckets; ++b) t.histogram[b] += site.histogram[b];
    }
    std::vector<FileTotals> out;
    for (const auto& entry : by) out.push_back(entry.second);
    std::stable_sort(out.begin(), out.end(),
                     [](const FileTotals& a, const FileTotals& b) { return a.calls > b.calls; });
    return out;
}

}  // namespace analyzer
