// `analyzer report --windows` as text: a row per figure, a column per window,
// each cell with its change from the window before it.
#include <algorithm>
#include <cmath>

#include "../encode/json_writer.h"
#include "../text/format.h"
#include "../text/terminal.h"
#include "diff.h"
#include "windows.h"

namespace analyzer {
namespace {

const char* const kAbsent = "\u2013";
const char* const kFindings = "Findings (cost)";  // window_table.cpp names the section so

// The change from the previous window, as `analyzer diff` writes it; "" when none.
std::string change_from(const WindowRow& row, size_t i, bool colour) {
    // A finding that a window has and the one before it had not: a regression.
    if (i > 0 && row.present[i] && !row.present[i - 1] && row.section == kFindings)
        return " (" + paint("new", Paint::Worse, colour) + ")";
    if (i == 0 || !row.present[i - 1] || !row.present[i]) return "";
    double before = row.values[i - 1], after = row.values[i];
    std::string text;
    if (row.unit == Unit::Ratio) {
        if (std::fabs(after - before) >= 0.005)
            text = std::string(after < before ? "\u2212" : "+") + fixed(std::fabs(after - before), 2);
    } else if (row.unit == Unit::Share) {
        double points = (after - before) * 100;
        if (std::fabs(points) >= 0.05) text = std::string(points < 0 ? "\u2212" : "+") + fixed(std::fabs(points), 1) + " pts";
    } else if (before != after) {
        if (before == 0)
            text = "new";
        else if (after / before >= 10)
            text = "\u00d7" + (after / before < 100 ? fixed(after / before, 1) : with_commas(uint64_t(after / before)));
        else
            text = signed_percent((after - before) / before);
    }
    if (text.empty()) return "";
    bool better = (after < before) != (row.key == "average parallelism");
    return " (" + paint(text, better ? Paint::Better : Paint::Worse, colour) + ")";
}

std::string cell(const WindowRow& row, size_t i, bool colour) {
    if (!row.present[i]) return kAbsent;
    return format_value(row.values[i], row.unit) + change_from(row, i, colour);
}

// Width on screen: the colour codes take none.
size_t shown_width(const std::string& text) {
    size_t width = 0;
    bool escape = false;
    for (size_t i = 0; i < text.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (c == 0x1b) escape = true;
        else if (escape) escape = c != 'm';
        else if ((c & 0xc0) != 0x80) ++width;
    }
    return width;
}

std::string pad(const std::string& text, size_t width) {
    size_t w = shown_width(text);
    return text + std::string(w < width ? width - w : 0, ' ');
}

}  // namespace

void write_text_windows(const WindowTable& table, bool colour, std::ostream& out) {
    const std::vector<RunSummary>& windows = table.windows;
    if (windows.empty()) return;
    out << "Windows of " << windows[0].window_base << ": pid " << windows[0].pid << " (" << windows[0].command << ")\n";
    for (const RunSummary& w : windows)
        if (w.pid != windows[0].pid || w.window_base != windows[0].window_base)
            out << "note: " << w.path << " is of pid " << w.pid << " (" << w.command << "), not a window of the same process\n";
    size_t n = windows.size();
    std::vector<std::vector<std::string>> cells;  // [row][column], the header rows first
    std::vector<std::string> keys;
    std::vector<std::string> sections;
    auto add = [&](const std::string& section, const std::string& key, std::vector<std::string> row) {
        sections.push_back(section);
        keys.push_back(key);
        cells.push_back(std::move(row));
    };
    std::vector<std::string> names, starts, lengths;
    for (const RunSummary& w : windows) {
        names.push_back("window " + w.window + (w.partial ? " [PARTIAL]" : ""));
        starts.push_back(utc_time(w.start_realtime_ns, false));
        lengths.push_back(human_seconds(double(w.duration_ns) / 1e9));
    }
    add("", "", names);
    add("", "log", [&] { std::vector<std::string> v; for (const RunSummary& w : windows) v.push_back(w.path); return v; }());
    add("", "starts (UTC)", starts);
    add("", "length", lengths);
    // A window that met its disk budget has figures that stop or are sampled after that moment.
    if (std::any_of(windows.begin(), windows.end(), [](const RunSummary& w) { return !w.budget.empty(); }))
        add("", "disk budget", [&] { std::vector<std::string> v; for (const RunSummary& w : windows) v.push_back(w.budget.empty() ? kAbsent : w.budget); return v; }());
    for (const WindowRow& row : table.rows) {
        std::vector<std::string> v;
        for (size_t i = 0; i < n; ++i) v.push_back(cell(row, i, colour));
        add(row.section, row.key, v);
    }
    size_t key_width = 12;
    for (const std::string& k : keys) key_width = std::max(key_width, utf8_length(k) + 2);
    key_width = std::min<size_t>(key_width, 60);
    std::vector<size_t> widths(n, 0);
    for (const auto& row : cells)
        for (size_t i = 0; i < n; ++i) widths[i] = std::max(widths[i], shown_width(row[i]) + 3);
    std::string section;
    for (size_t r = 0; r < cells.size(); ++r) {
        if (sections[r] != section) {
            section = sections[r];
            out << "\n" << section << "\n";
        }
        std::string key = keys[r];
        if (utf8_length(key) > key_width - 2) {  // a long finding key: on its own line
            out << "  " << key << "\n";
            key.clear();
        }
        std::string line = "  " + pad(key, key_width);
        for (size_t i = 0; i < n; ++i) line += i + 1 == n ? cells[r][i] : pad(cells[r][i], widths[i]);
        out << line << "\n";
    }
    if (!std::any_of(table.rows.begin(), table.rows.end(), [](const WindowRow& r) { return r.section == kFindings; }))
        out << "\nFindings (cost)\n  none in any window\n";
}

void write_json_windows(const WindowTable& table, std::ostream& out) {
    JsonWriter json(out);
    json.begin_object().begin_array("windows");
    for (const RunSummary& w : table.windows)
        json.begin_object()
            .field("path", w.path)
            .field("window", w.window)
            .field("pid", w.pid)
            .field("command", w.command)
            .field("start_unix_ns", w.start_realtime_ns)
            .field("duration_ns", w.duration_ns)
            .field("partial", w.partial)
            .field("budget", w.budget)
            .end_object();
    json.end_array().begin_array("rows");
    for (const WindowRow& row : table.rows) {
        json.begin_object().field("section", row.section).field("key", row.key);
        const char* unit = row.unit == Unit::Count ? "count" : row.unit == Unit::Bytes ? "bytes"
                         : row.unit == Unit::Seconds ? "seconds" : row.unit == Unit::Ratio ? "ratio" : "share";
        json.field("unit", unit).begin_array("values");
        for (size_t i = 0; i < row.values.size(); ++i) json.field(nullptr, row.present[i] ? row.values[i] : NAN);  // NaN: null
        json.end_array().end_object();
    }
    json.end_array().end_object();
    out << "\n";
}

}  // namespace analyzer
