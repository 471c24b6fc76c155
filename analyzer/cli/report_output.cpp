#include "report_output.h"

#include "output_file.h"

namespace analyzer {

bool write_report_output(ReportInput& input, const std::string& format, const std::string& path) {
    OutputFile output(path);
    if (!output.opened()) return false;
    if (!output.is_stdout()) input.colour = false;  // escape codes belong on a terminal, not in a file
    std::ostream& out = output.stream();
    if (format == "html")
        write_html_report(input, out);
    else if (format == "json")
        write_json_report(input, out);
    else
        write_text_report(input, out);
    return output.finish();
}

}  // namespace analyzer
