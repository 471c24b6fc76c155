#include "concurrency_waits.h"

#include <algorithm>

#include "../analysis/wait_objects.h"
#include "../text/format.h"

namespace analyzer {
namespace {

constexpr size_t kRowsShown = 5;

}  // namespace

std::vector<WaitObjectRow> wait_object_rows(const WaitUtilization& u, PhaseWaitNames& names, size_t top) {
    std::vector<WaitObjectRow> rows;
    WaitObjectRow joins;  // every join is one row: a thread per object would crowd out the locks
    uint64_t joined = 0;
    for (const ObjectWaitTime& o : u.objects) {
        if (o.kind == shimlog::WaitKind::Join) {
            joined++;
            joins.waits += o.waits, joins.wait_ns += o.wait_ns, joins.poor_ns += o.poor_ns;
            joins.threads = std::max(joins.threads, o.threads);
            if (joins.site.empty()) joins.site = names.site(o.stack_id);  // objects come most poorly-used first
            continue;
        }
        if (rows.size() >= top) continue;
        WaitObjectRow row;
        row.label = names.object(o.kind, o.object);
        row.kind = wait_kind_name(o.kind);
        row.site = names.site(o.stack_id);
        if (o.kind == shimlog::WaitKind::Mutex) row.held_at = names.held_at(o.object);
        row.waits = o.waits, row.threads = o.threads, row.wait_ns = o.wait_ns, row.poor_ns = o.poor_ns;
        rows.push_back(row);
    }
    if (joined > 0) {
        joins.label = "pthread_join of " + with_commas(joined) + (joined == 1 ? " thread" : " threads");
        joins.kind = wait_kind_name(shimlog::WaitKind::Join);
        rows.push_back(joins);
    }
    std::stable_sort(rows.begin(), rows.end(), [](const WaitObjectRow& a, const WaitObjectRow& b) {
        return a.poor_ns != b.poor_ns ? a.poor_ns > b.poor_ns : a.wait_ns > b.wait_ns;
    });
    if (rows.size() > top) rows.resize(top);
    return rows;
}

void write_concurrency_waits(const WaitUtilization& u, PhaseWaitNames& names, std::ostream& out) {
    if (!u.known || u.objects.empty()) return;
    std::string few = "fewer than " + std::to_string(u.target_level) + " threads on CPU";
    out << "  Waits by object over the run, and the part with " << few
        << " (the cores idle meanwhile: VTune's wait time with poor CPU utilization):\n";
    std::vector<WaitObjectRow> rows = wait_object_rows(u, names, kRowsShown);
    for (const WaitObjectRow& row : rows) {
        std::string notes = row.kind == "join" ? "" : row.kind;  // a join row's label says it
        if (!row.held_at.empty()) notes += ", held at " + row.held_at;
        out << "    " << row.label << (notes.empty() ? "" : " (" + notes + ")") << ": " << human_seconds(row.wait_ns / 1e9) << " in " << with_commas(row.waits)
            << (row.waits == 1 ? " wait" : " waits") << " by " << with_commas(row.threads)
            << (row.threads == 1 ? " thread" : " threads") << ", " << human_seconds(row.poor_ns / 1e9) << " ("
            << percent(row.poor_ns, row.wait_ns) << ") of it with " << few << "\n";
    }
    size_t objects = 0;
    bool joins = false;
    for (const ObjectWaitTime& o : u.objects) o.kind == shimlog::WaitKind::Join ? void(joins = true) : void(objects++);
    objects += joins ? 1 : 0;
    if (objects > rows.size()) out << "    and " << with_commas(objects - rows.size()) << " more objects\n";
}

}  // namespace analyzer
