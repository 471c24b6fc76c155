// Reading a log file for a subcommand, with progress for big ones.
#pragma once
#include <string>

#include "decode.h"
#include "progress.h"

namespace analyzer {

// decode_log_file, saying so on `progress`. Throws LogError.
Log load_log(const std::string& path, Progress& progress);

// The size of the file at `path`; 0 when it cannot be read.
uint64_t file_size(const std::string& path);

}  // namespace analyzer
