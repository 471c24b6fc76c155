// A text strip chart of a series: one column per time slice, block
// characters ' ▁▂▃▄▅▆▇█' stacked in rows, a value scale on the left and a
// time axis below.
#pragma once
#include <string>
#include <vector>

namespace analyzer {

// `values` are one per column, at or above 0; `row_step` is what one row of
// height stands for (1 = a thread per row); `span_seconds` labels the axis.
std::vector<std::string> strip_chart(const std::vector<double>& values, int rows, double row_step,
                                     double span_seconds);

}  // namespace analyzer
