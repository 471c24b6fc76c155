// `analyzer diff` as text: "read calls   1,270,331 → 21 (−99.998%)".
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "../text/terminal.h"
#include "diff.h"
#include "../text/format.h"

namespace analyzer {
namespace {

const char* const kMinus = "\u2212";
const char* const kArrow = " \u2192 ";

std::string change_text(const MetricChange& m, bool colour) {
    std::string text;
    if (m.unit == Unit::Ratio) {
        double delta = m.after - m.before;
        if (std::fabs(delta) >= 0.005) text = std::string(delta < 0 ? kMinus : "+") + fixed(std::fabs(delta), 2);
    } else if (m.unit == Unit::Share) {  // in percentage points: "+50%" of a 2% share says little
        double points = (m.after - m.before) * 100;
        if (std::fabs(points) >= 0.05) text = std::string(points < 0 ? kMinus : "+") + fixed(std::fabs(points), 1) + " pts";
    } else if (m.before == m.after) {
        return "";
    } else {
        double relative = 0;
        if (!m.relative_change(relative))
            text = "new";
        else if (relative >= 9)  // "×423,445" reads better than "+42344366.7%"
            text = "\u00d7" + (relative + 1 < 100 ? fixed(relative + 1, 1) : with_commas(uint64_t(relative + 1)));
        else
            text = signed_percent(relative);
    }
    if (text.empty()) return "";
    // Less of a cost is better; the one "more is better" metric here is parallelism.
    bool better = (m.after < m.before) != (m.name == "threads" && m.unit == Unit::Ratio);
    return " (" + paint(text, better ? Paint::Better : Paint::Worse, colour) + ")";
}

std::string values_text(const MetricChange& m, bool colour) {
    return format_value(m.before, m.unit) + kArrow + format_value(m.after, m.unit) + change_text(m, colour);
}

// A row of several metrics on one line; metrics zero in both runs left out.
std::string metrics_text(const RowChange& row, bool colour) {
    std::string text;
    for (const MetricChange& m : row.metrics) {
        if (m.before == 0 && m.after == 0) continue;
        text += (text.empty() ? "" : "; ") + m.name + " " + values_text(m, colour);
    }
    return text.empty() ? "zero in both runs" : text;
}

std::string finding_status(const RowChange& row, bool colour) {
    if (!row.in_after) return paint("fixed", Paint::Better, colour) + "  ";
    if (!row.in_before) return paint("new", Paint::Worse, colour) + "    ";
    return "still  ";
}

void write_run_line(const char* label, const RunSummary& run, std::ostream& out) {
    out << label << run.path << (run.partial ? "  [PARTIAL]" : "") << "  (" << run.command << ")\n";
}

void write_section(const SectionChange& section, size_t top, bool colour, std::ostream& out) {
    out << "\n" << section.title << "\n";
    if (section.rows.empty()) {
        out << "  none in either run\n";
        return;
    }
    bool one_per_line = section.name == "run" || section.name == "allocations" || section.name == "threads" ||
                        section.name == "cpu";
    size_t shown = 0;
    for (const RowChange& row : section.rows) {
        if (!one_per_line && shown == top) {
            out << "  ... " << section.rows.size() - top << " more (use --top)\n";
            break;
        }
        ++shown;
        bool all_zero = true;
        for (const MetricChange& m : row.metrics) all_zero &= m.before == 0 && m.after == 0;
        if (one_per_line && all_zero) continue;  // "write calls 0 -> 0" says nothing
        if (one_per_line && row.metrics.size() == 1)
            out << "  " << pad_right(row.key, 26) << values_text(row.metrics[0], colour) << "\n";
        else if (section.name == "findings")
            out << "  " << finding_status(row, colour) << row.key << ": " << metrics_text(row, colour) << "\n";
        else
            out << "  " << row.key << ": " << metrics_text(row, colour) << "\n";
    }
}

}  // namespace

std::string signed_percent(double relative_change) {
    double pct = relative_change * 100;
    double size = std::fabs(pct);
    char digits[64] = "";
    for (int decimals = 1; decimals <= 4; ++decimals) {
        snprintf(digits, sizeof digits, "%.*f", decimals, size);
        double shown = atof(digits);
        if ((shown != 0 || size == 0) && (shown != 100 || size == 100)) break;
    }
    std::string text = digits;
    if (text.find('.') != std::string::npos) {  // "100.0" -> "100", "98.10" -> "98.1"
        while (text.back() == '0') text.pop_back();
        if (text.back() == '.') text.pop_back();
    }
    return std::string(pct < 0 ? kMinus : "+") + text + "%";
}

std::string format_value(double value, Unit unit) {
    switch (unit) {
        case Unit::Count: return with_commas(uint64_t(std::llround(std::max(0.0, value))));
        case Unit::Bytes: return human_bytes(value);
        case Unit::Seconds: return human_seconds(value);
        case Unit::Ratio: return fixed(value, 2);
        case Unit::Share: return fixed(value * 100, 1) + "%";
    }
    return fixed(value, 2);
}

// Two windows of one recording: named as windows, each with its time range,
// so "before" and "after" read as earlier and later in one process's life.
void write_window_line(const RunSummary& run, std::ostream& out) {
    out << pad_right("Window " + run.window + ":", 11) << run.path << (run.partial ? "  [PARTIAL]" : "") << "  "
        << utc_time(run.start_realtime_ns) << " – "
        << utc_time(run.start_realtime_ns + run.duration_ns, false) << " UTC (" << human_seconds(double(run.duration_ns) / 1e9)
        << ")\n";
}

void write_text_diff(const RunDiff& diff, size_t top, bool colour, std::ostream& out) {
    if (same_recording(diff.before_run, diff.after_run)) {
        out << "Two windows of one recording: pid " << diff.before_run.pid;
        if (diff.after_run.pid != diff.before_run.pid) out << " and pid " << diff.after_run.pid << " (two processes)";
        out << " (" << diff.before_run.command << ")\n";
        write_window_line(diff.before_run, out);
        write_window_line(diff.after_run, out);
    } else {
        write_run_line("Before: ", diff.before_run, out);
        write_run_line("After:  ", diff.after_run, out);
    }
    for (const SectionChange& section : diff.sections) write_section(section, top, colour, out);
}

}  // namespace analyzer
