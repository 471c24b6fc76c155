#include "summary.h"

#include <map>

#include "../analysis/alloc_sites.h"
#include "../analysis/budget_words.h"
#include "../analysis/concurrency.h"
#include "../findings/rules.h"
#include "../symbols/site_key.h"
#include "../model/syscall_names.h"
#include "../analysis/io_totals.h"
#include "cpu_sections.h"
#include "../model/window_name.h"

namespace analyzer {
namespace {

// Rows merged by key: two stacks that end in the same function are one site.
class RowTable {
public:
    void add(const std::string& key, const std::string& metric, Unit unit, double value) {
        SummaryRow& row = row_for(key);
        for (Metric& m : row.metrics)
            if (m.name == metric) {
                m.value += value;
                return;
            }
        row.metrics.push_back(Metric{metric, unit, value, false});
    }
    SummarySection section(const std::string& name, const std::string& title, bool ranked) {
        return SummarySection{name, title, ranked, std::move(rows_)};
    }

private:
    SummaryRow& row_for(const std::string& key) {
        auto found = index_.find(key);
        if (found != index_.end()) return rows_[found->second];
        index_[key] = rows_.size();
        rows_.push_back(SummaryRow{key, {}});
        return rows_.back();
    }
    std::vector<SummaryRow> rows_;
    std::map<std::string, size_t> index_;
};

std::string file_path(const Log& log, uint32_t file_id) {
    const FileInfo* file = log.file(file_id);
    return file == nullptr ? "(untracked descriptor)" : file->name();
}

// The figure that says how big a finding is, per kind; cost is added for all.
const char* main_figure(const std::string& kind, Unit& unit) {
    unit = Unit::Count;
    if (kind == "unbuffered-io") return "calls";
    if (kind == "alloc-hotspot") return "allocations";
    if (kind == "threads-too-fine") return "threads";
    unit = kind == "leak" ? Unit::Bytes : Unit::Seconds;
    if (kind == "leak") return "leaked_bytes";
    return "seconds";  // serial-phase, idle-phase, cpu-contention
}

SummarySection run_section(RunAnalysis& run) {
    const Log& log = run.log;
    uint64_t read_calls = 0, read_bytes = 0, write_calls = 0, write_bytes = 0, io_ns = 0;
    for (const IoSite& site : log.io_sites) {
        bool writes = shimlog::is_write(site.syscall);
        (writes ? write_calls : read_calls) += site.calls;
        (writes ? write_bytes : read_bytes) += site.bytes_done;
        io_ns += site.time_ns;
    }
    RowTable rows;
    rows.add("wall", "seconds", Unit::Seconds, double(log.duration_ns()) / 1e9);
    rows.add("findings", "count", Unit::Count, double(run.findings.size()));
    rows.add("read calls", "calls", Unit::Count, double(read_calls));
    rows.add("bytes read", "bytes", Unit::Bytes, double(read_bytes));
    rows.add("write calls", "calls", Unit::Count, double(write_calls));
    rows.add("bytes written", "bytes", Unit::Bytes, double(write_bytes));
    if (log.ticks_calibrated) rows.add("time in read/write calls", "seconds", Unit::Seconds, double(io_ns) / 1e9);
    return rows.section("run", "Run", false);
}

SummarySection findings_section(const RunAnalysis& run) {
    RowTable rows;
    for (const Finding& f : run.findings) {
        std::string key = f.kind + " at " + site_key(f.site);
        Unit unit;
        const char* figure = main_figure(f.kind, unit);
        auto value = f.figures.find(figure);
        if (value != f.figures.end()) rows.add(key, figure, unit, value->second);
        rows.add(key, "cost", Unit::Seconds, double(f.cost_ns) / 1e9);
    }
    return rows.section("findings", "Findings", true);
}

void add_io_sections(RunAnalysis& run, std::vector<SummarySection>& out) {
    RowTable syscalls, files, sites;
    for (const SyscallTotals& t : run.analysis.syscalls) {
        syscalls.add(syscall_name(t.syscall), "calls", Unit::Count, double(t.calls));
        syscalls.add(syscall_name(t.syscall), "errors", Unit::Count, double(t.errors));
        syscalls.add(syscall_name(t.syscall), "seconds", Unit::Seconds, double(t.time_ns) / 1e9);
    }
    for (const FileTotals& t : run.analysis.files) {
        std::string key = std::string(t.writes ? "write " : "read ") + file_path(run.log, t.file_id);
        files.add(key, "calls", Unit::Count, double(t.calls));
        files.add(key, "bytes", Unit::Bytes, double(t.bytes));
        files.add(key, "seconds", Unit::Seconds, double(t.time_ns) / 1e9);
    }
    for (const IoSite& site : run.log.io_sites) {
        if (shimlog::is_second_side(site.syscall)) continue;
        std::string key = std::string(syscall_name(site.syscall)) + " at " +
                          site_key(run.sites->site_name(site.stack_id, site.site)) + " on " +
                          file_path(run.log, site.file_id);
        sites.add(key, "calls", Unit::Count, double(site.calls));
        sites.add(key, "bytes", Unit::Bytes, double(site.bytes_done));
    }
    out.push_back(syscalls.section("syscalls", "Syscalls", true));
    out.push_back(files.section("files", "Files", true));
    out.push_back(sites.section("io_sites", "I/O call sites", true));
}

void add_alloc_sections(RunAnalysis& run, std::vector<SummarySection>& out) {
    const AllocReport& a = run.analysis.allocs;
    RowTable totals, sites;
    totals.add("allocations", "count", Unit::Count, double(a.allocations));
    totals.add("bytes allocated", "bytes", Unit::Bytes, double(a.bytes));
    totals.add("temporary allocations", "count", Unit::Count, double(a.temporary));
    totals.add("peak heap", "bytes", Unit::Bytes, double(a.peak_bytes));
    totals.add("still allocated at exit", "bytes", Unit::Bytes, double(a.live_bytes));
    if (a.start_known) {  // a window that lists the blocks live when it opened
        totals.add("live when the window opened", "bytes", Unit::Bytes, double(a.start_bytes));
        totals.add("held across the window", "bytes", Unit::Bytes, double(a.held_across_bytes));
    }
    for (const AllocSite& site : run.analysis.alloc_sites) {
        std::string key = site_key(site.site);
        sites.add(key, "allocations", Unit::Count, double(site.allocations));
        sites.add(key, "bytes", Unit::Bytes, double(site.bytes));
        sites.add(key, "temporary", Unit::Count, double(site.temporary));
    }
    out.push_back(totals.section("allocations", "Allocations", false));
    out.push_back(sites.section("alloc_sites", "Allocation sites", true));
}

SummarySection threads_section(const RunAnalysis& run) {
    RowTable rows;
    double cpu_ns = 0;
    for (const ThreadInfo& t : run.log.threads) cpu_ns += double(t.cpu_ns);
    rows.add("threads", "count", Unit::Count, double(run.log.threads.size()));
    rows.add("CPU time", "seconds", Unit::Seconds, cpu_ns / 1e9);
    SummarySection section = rows.section("threads", "Threads", false);
    const Concurrency& c = run.analysis.concurrency;
    if (c.present) {
        section.rows.push_back(SummaryRow{"serial fraction", {Metric{"fraction", Unit::Ratio, c.serial_fraction(), true}}});
        section.rows.push_back(
            SummaryRow{"average parallelism", {Metric{"threads", Unit::Ratio, c.average_parallelism(), true}}});
    }
    return section;
}

}  // namespace

bool same_recording(const RunSummary& a, const RunSummary& b) {
    return a.window_base == b.window_base && a.window != b.window;
}

RunSummary summarize_run(RunAnalysis& run) {
    RunSummary summary;
    summary.path = run.log.path;
    summary.command = run.log.process.command_line();
    summary.partial = run.log.partial;
    summary.pid = run.log.process.pid;
    WindowName window = window_of_log(run.log.path);
    summary.window_base = window.base;
    summary.window = window.label();
    summary.start_realtime_ns = run.log.process.start_realtime_ns;
    summary.duration_ns = run.log.duration_ns();
    summary.budget = budget_cell(run.log);
    summary.sections.push_back(run_section(run));
    summary.sections.push_back(findings_section(run));
    add_io_sections(run, summary.sections);
    add_alloc_sections(run, summary.sections);
    summary.sections.push_back(threads_section(run));
    add_cpu_sections(run, summary.sections);  // last, and only with samples: other logs' diffs stay as they were
    return summary;
}

}  // namespace analyzer
