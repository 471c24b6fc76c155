// The views of `analyzer report --windows`: one column per window.
#pragma once
#include <ostream>

#include "../diff/window_table.h"

namespace analyzer {

// Each cell the window's figure and its change from the window before:
// "98,765 (×80)"; a finding a window does not have reads "–".
void write_text_windows(const WindowTable& table, bool colour, std::ostream& out);
// {"windows": [{path, window, pid, start_unix_ns, duration_ns, partial}],
//  "rows": [{section, key, unit, values: [number|null, ...]}]}
void write_json_windows(const WindowTable& table, std::ostream& out);

}  // namespace analyzer
