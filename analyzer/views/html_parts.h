// The pieces of the HTML report; html_report.cpp puts them in one page.
// Everything from the log (paths, symbols, command lines) goes through
// html_escape, or script_json_string inside a <script> element.
#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "report.h"

namespace analyzer {

// Text safe in HTML content and in quoted attribute values.
std::string html_escape(const std::string& s);
// A JSON string literal that cannot end the <script> element it sits in.
std::string script_json_string(const std::string& s);
// At most `max_chars` characters (UTF-8 aware), "…" marking a cut.
std::string shorten_text(const std::string& s, size_t max_chars);
// The same, cutting from the front: a path keeps its file name.
std::string shorten_left(const std::string& s, size_t max_chars);
// "1.5" with at most `decimals` decimals and no trailing zeros: SVG coordinates.
std::string svg_number(double value, int decimals = 1);

// The page's stylesheet and script (html_assets.cpp), inlined: no fetches.
extern const char* const kHtmlStyle;
extern const char* const kHtmlErrorHook;  // first in <head>: shows script errors on the page
extern const char* const kHtmlScript;     // the flame graph and the tooltips

void write_html_findings(const Log& log, const std::vector<Finding>& findings, std::ostream& out);
// P(t) and thread lanes; nothing when the log has no thread data.
void write_html_concurrency(const ReportInput& in, std::ostream& out);
// Syscall totals and the request-size histogram of each file.
void write_html_io(const ReportInput& in, std::ostream& out);
// Top allocation sites and the flame graph's data.
void write_html_allocations(const ReportInput& in, std::ostream& out);
// The CPU view: the report's first section when the log has CPU samples
// (html_has_cpu_view), nothing otherwise.
bool html_has_cpu_view(const ReportInput& in);
void write_html_cpu(const ReportInput& in, std::ostream& out);
// The waits table (html_waits.cpp); without wait records, a threaded run's
// one line (waits_absent_line); nothing for one thread.
bool html_has_waits(const ReportInput& in);
void write_html_waits(const ReportInput& in, std::ostream& out);

}  // namespace analyzer
