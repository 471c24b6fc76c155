#include "report_output.h"

#include <fstream>
#include <iostream>

namespace analyzer {

bool write_report_output(ReportInput& input, const std::string& format, const std::string& path) {
    std::ofstream file;
    if (!path.empty()) {
        file.open(path, std::ios::binary | std::ios::trunc);
        if (!file) {
            std::cerr << "analyzer: cannot write " << path << "\n";
            return false;
        }
        input.colour = false;  // escape codes belong on a terminal, not in a file
    }
    std::ostream& out = path.empty() ? std::cout : file;
    if (format == "html")
        write_html_report(input, out);
    else if (format == "json")
        write_json_report(input, out);
    else
        write_text_report(input, out);
    out.flush();
    if (!out) {
        std::cerr << "analyzer: error writing " << (path.empty() ? "stdout" : path) << "\n";
        return false;
    }
    return true;
}

}  // namespace analyzer
