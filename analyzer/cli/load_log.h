// Reading a log file for a subcommand, with progress for big ones, and the
// notes subcommands print about it on stderr.
#pragma once
#include <string>

#include "../decode/decode.h"
#include "../pipeline.h"
#include "../symbols/symbolize.h"
#include "../text/progress.h"

namespace analyzer {

// decode_log_file, saying so on `progress`. Throws LogError.
Log load_log(const std::string& path, Progress& progress);

// load_log for a subcommand: false after printing the one-line reason
// ("analyzer: ...") when the log is unusable; the caller exits 2.
bool load_log_or_say(const std::string& path, Log& log, Progress& progress);
bool load_log_or_say(const std::string& path, Log& log);

// "analyzer: note: the log is partial (...)" when it is.
void note_if_partial(const Log& log);
// The symbolizer's warnings ("no debug info for ..."), one note line each,
// each said once however many logs the command reports.
void print_symbol_notes(const Symbolizer& symbols);

// Loads and analyses the log at `path`. Throws LogError for unusable input.
std::unique_ptr<RunAnalysis> analyze_run(const std::string& path, const Thresholds& limits = {});

// The size of the file at `path`; 0 when it cannot be read.
uint64_t file_size(const std::string& path);

}  // namespace analyzer
