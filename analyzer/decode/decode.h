// Reads a log file into the model. Logs are untrusted input: every length is
// checked before use and nothing is sized from the file without a bound.
#pragma once
#include <stdexcept>
#include <string>

#include "../model/model.h"

namespace analyzer {

// A log that cannot be read at all: the message is one line for the user.
struct LogError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Throws LogError when the file is missing, not a log or too new. A log cut
// short decodes up to its last whole record and comes back marked partial.
Log decode_log_file(const std::string& path);
Log decode_log(std::shared_ptr<const LogBytes> bytes, const std::string& name);
Log decode_log(const std::string& bytes, const std::string& name);  // copies them

}  // namespace analyzer
