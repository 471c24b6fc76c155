// For the shim's recorders linked into the test runner (Makefile:
// SHIM_UNIT_OBJ): they write to the real arena (preload/log/arena.cpp), read
// back here as a flush would; the rest of the log, the module map and the
// unwinder's pipe are stand-ins (test_shim_doubles.cpp).
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "../../format/log_format.h"

namespace shim_doubles {

struct Record {
    shimlog::RecordType type;
    std::string payload;
};

// The records made since the last call, oldest first, as a flush writes them.
std::vector<Record> new_records();

// The records written straight to the file (sink_record, inside a flush)
// since the last call, oldest first.
std::vector<Record> sunk_records();

}  // namespace shim_doubles
