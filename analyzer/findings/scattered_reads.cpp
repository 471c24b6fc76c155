// Finding "re-read": many small reads of a regular file from one call site
// that do not go on where the previous access ended (sqlite's 2,003 16-byte
// preads of its header). A read-ahead buffer is the wrong advice for them:
// it would fetch bytes the next call does not want. Shims since 2026-12-04
// count, per site, the calls that moved exactly a range among the site's
// previous four: most of them so is the same bytes read again (cache them);
// few is different small records (read them together). Older logs keep no
// offsets, and the finding then says it cannot tell.
#include "../model/syscall_names.h"
#include "../text/format.h"
#include "io_site_totals.h"
#include "rules.h"

namespace analyzer {
namespace {

// "16 B" when every call moved the same amount on average and the histogram
// has one bucket; else the average.
std::string typical_size(const SiteTotals& t) {
    unsigned used = 0;
    for (unsigned b = 0; b < shimlog::kSizeBuckets; ++b) used += t.histogram[b] > 0 ? 1 : 0;
    double average = double(t.bytes) / double(t.calls);
    return (used == 1 ? "" : "averaging ") + fixed(average, average < 10 ? 1 : 0) + " B";
}

Finding make_finding(const Log& log, CallSites& sites, const SiteTotals& t) {
    const FileInfo* file = log.file(t.file_id);
    double wall = double(log.duration_ns()) / 1e9;
    double inside = double(t.time_ns) / 1e9;
    Finding f;
    f.kind = "re-read";
    std::string calls = t.main_calls == t.calls ? with_commas(t.calls) + " " + syscall_name(t.main_syscall) + "() calls"
                                                : with_commas(t.calls) + " read-family calls";
    bool same_bytes = t.repeats_known && 2 * t.repeated >= t.calls;
    if (same_bytes)
        f.title = "The same bytes read again: " + with_commas(t.repeated) + " of " + calls + " of " +
                  typical_size(t) + " on " + file->name() + " read a range this call site had just read";
    else
        f.title = "Small reads at scattered offsets: " + calls + " of " + typical_size(t) + " on " + file->name() +
                  ", " + percent(double(t.sequential), double(t.calls)) + " sequential";
    f.site = sites.site_name(t.stack_id, t.site);
    f.stack = sites.frames(t.stack_id, t.site, 6);
    f.evidence.push_back(with_commas(t.calls) + " calls read " + human_bytes(double(t.bytes)) + "; " +
                         with_commas(t.sequential) + " of them (" + percent(double(t.sequential), double(t.calls)) +
                         ") started at or after where the previous access to the file ended, " +
                         with_commas(t.consecutive) + " exactly there: the others went back or elsewhere");
    if (log.ticks_calibrated)
        f.evidence.push_back(human_seconds(inside) + " inside these calls (wall time): " + percent(inside, wall) +
                             " of the " + human_seconds(wall) + " run");
    if (t.repeats_known)
        f.evidence.push_back(with_commas(t.repeated) + " of the calls (" + percent(double(t.repeated), double(t.calls)) +
                             ") read exactly the offset and size of one of this site's previous four reads" +
                             (same_bytes ? "" : ": mostly different bytes each time"));
    else
        f.evidence.push_back("the log keeps no offsets (a shim before 2026-12-04), only whether each call went on "
                             "from the previous access: it cannot tell the same bytes read again (a header or index "
                             "read per record) from different small records at scattered places");
    f.evidence.push_back("a larger read buffer would not save these calls: reading ahead fetches bytes the next "
                         "call does not want");
    if (same_bytes)
        f.advice = "Read these bytes once and keep them in memory (a header, an index, a page already read): "
                   "re-read them only when they can have changed.";
    else if (t.repeats_known)
        f.advice = "These are different small records: read neighbouring ones together in fewer, larger calls "
                   "(sort the offsets first), or map the file (mmap).";
    else
        f.advice = "If these calls read the same bytes again (a header, an index, a page already read), read them "
                   "once and keep them in memory; if they are different records, read neighbouring ones together in "
                   "fewer, larger calls (sort the offsets first), or map the file (mmap).";
    f.cost_ns = t.time_ns;
    f.cost_known = log.ticks_calibrated;
    f.figures = {{"calls", double(t.calls)},
                 {"bytes", double(t.bytes)},
                 {"average_bytes", double(t.bytes) / double(t.calls)},
                 {"sequential_calls", double(t.sequential)},
                 {"consecutive_calls", double(t.consecutive)},
                 {"seconds_in_calls", inside},
                 {"share_of_wall_time", wall > 0 ? inside / wall : 0}};
    if (t.repeats_known) f.figures["repeated_calls"] = double(t.repeated);  // absent: not known
    return f;
}

}  // namespace

std::vector<Finding> find_scattered_reads(const RuleInput& in) {
    const Log& log = in.log;
    const Thresholds& limits = in.limits;
    std::vector<Finding> found;
    for (const auto& entry : totals_by_site(log, limits.io_small_bytes)) {
        const SiteTotals& t = entry.second;
        if (t.calls < limits.io_min_calls) continue;
        if (double(t.small) <= limits.io_small_share * double(t.calls)) continue;
        if (!scattered_reads(log, t)) continue;
        found.push_back(make_finding(log, in.sites, t));
    }
    return found;
}

}  // namespace analyzer
