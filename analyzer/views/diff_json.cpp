// `analyzer diff --format json`: every row of every section, before, after
// and the relative change. Bump kDiffVersion on any change that is not a
// pure addition.
#include "diff.h"
#include "../encode/json_writer.h"

namespace analyzer {
namespace {

constexpr int kDiffVersion = 1;

const char* unit_name(Unit unit) {
    switch (unit) {
        case Unit::Count: return "count";
        case Unit::Bytes: return "bytes";
        case Unit::Seconds: return "seconds";
        case Unit::Ratio: return "ratio";
        case Unit::Share: return "share";  // a fraction of the run's whole (0..1)
    }
    return "?";
}

void write_run(JsonWriter& json, const char* key, const RunSummary& run) {
    json.begin_object(key).field("path", run.path).field("command", run.command).field("partial", run.partial);
    // Which window of which process, and when: two windows of one recording share pid and base.
    json.field("pid", run.pid).field("window", run.window).field("start_unix_ns", run.start_realtime_ns)
        .field("duration_ns", run.duration_ns).end_object();
}

void write_row(JsonWriter& json, const RowChange& row) {
    json.begin_object().field("key", row.key).field("in_before", row.in_before).field("in_after", row.in_after);
    json.begin_object("metrics");
    for (const MetricChange& m : row.metrics) {
        json.begin_object(m.name.c_str())
            .field("unit", unit_name(m.unit))
            .field("before", m.before)
            .field("after", m.after);
        double change = 0;
        if (m.relative_change(change)) json.field("change", change);  // absent when before is 0
        json.end_object();
    }
    json.end_object().end_object();
}

}  // namespace

void write_json_diff(const RunDiff& diff, std::ostream& out) {
    JsonWriter json(out);
    json.begin_object().field("diff_version", kDiffVersion);
    write_run(json, "before", diff.before_run);
    write_run(json, "after", diff.after_run);
    json.begin_object("sections");
    for (const SectionChange& section : diff.sections) {
        json.begin_array(section.name.c_str());
        for (const RowChange& row : section.rows) write_row(json, row);
        json.end_array();
    }
    json.end_object().end_object();
    out << "\n";
}

}  // namespace analyzer
