#include "strip_chart.h"

#include <algorithm>
#include <cmath>

#include "../text/format.h"

namespace analyzer {
namespace {

const char* const kBlocks[] = {" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};

std::string number(double v) { return v == std::floor(v) ? fixed(v, 0) : fixed(v, 1); }

std::string pad_left(const std::string& s, size_t width) {
    return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

// "0 s", the middle and the end, under columns 0, n/2 and n-1.
std::string time_axis(size_t columns, double span_seconds, size_t margin) {
    std::string axis(margin + columns + 12, ' ');
    // A label goes where asked unless it would touch one already there.
    auto put = [&axis](size_t at, const std::string& label) {
        if (at + label.size() > axis.size()) at = axis.size() - label.size();
        size_t from = at > 0 ? at - 1 : 0, to = std::min(axis.size(), at + label.size() + 1);
        if (axis.find_first_not_of(' ', from) < to) return;
        axis.replace(at, label.size(), label);
    };
    std::string mid = human_seconds(span_seconds / 2), end = human_seconds(span_seconds);
    put(margin, "0 s");
    put(margin + (columns > end.size() ? columns - end.size() : 0), end);
    if (columns / 2 >= mid.size() / 2) put(margin + columns / 2 - mid.size() / 2, mid);
    while (!axis.empty() && axis.back() == ' ') axis.pop_back();
    return axis;
}

}  // namespace

std::vector<std::string> strip_chart(const std::vector<double>& values, int rows, double row_step,
                                     double span_seconds) {
    std::vector<std::string> lines;
    rows = std::max(rows, 1);
    if (row_step <= 0) row_step = 1;
    const size_t label_width = std::max<size_t>(3, number(rows * row_step).size());
    const size_t margin = label_width + 2;  // "  2 │"
    for (int row = rows - 1; row >= 0; --row) {
        std::string line = pad_left(number((row + 1) * row_step), label_width) + " │";
        for (double v : values) {
            double fill = std::min(1.0, std::max(0.0, v / row_step - row));
            line += kBlocks[int(std::lround(fill * 8))];
        }
        lines.push_back(line);
    }
    std::string base = pad_left("0", label_width) + " └";
    for (size_t i = 0; i < values.size(); ++i) base += "─";
    lines.push_back(base);
    lines.push_back(time_axis(values.size(), span_seconds, margin));
    return lines;
}

}  // namespace analyzer
