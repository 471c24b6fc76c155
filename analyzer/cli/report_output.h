// Writing a report to a file (-o) or stdout, in any of report's formats.
#pragma once
#include <string>

#include "../views/report.h"

namespace analyzer {

// format: "text", "json" or "html"; an empty path means stdout. Prints the
// problem and returns false when the file cannot be written.
bool write_report_output(ReportInput& input, const std::string& format, const std::string& path);

}  // namespace analyzer
