// The views of `analyzer diff`: text for people, JSON for scripts.
#pragma once
#include <cstddef>
#include <ostream>
#include <string>

#include "../diff/compare.h"

namespace analyzer {

// `top` rows per ranked section; colour for the status words and changes.
void write_text_diff(const RunDiff& diff, size_t top, bool colour, std::ostream& out);
// Every row: {"key", "in_before", "in_after", "metrics": {name: {before, after, change?}}}.
void write_json_diff(const RunDiff& diff, std::ostream& out);

// "−99.998%": enough decimals that a change is neither shown as 0 nor as
// a full 100% when it is not (the minus sign is U+2212).
std::string signed_percent(double relative_change);
// A metric's value in its unit: "1,270,331", "1.2 MiB", "1.41 s", "0.52", "95.0%".
std::string format_value(double value, Unit unit);

}  // namespace analyzer
