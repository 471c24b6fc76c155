// Decodes the LiveBlocks records (format/log_format.h) of a window's start
// into the model's LiveAtStart. The bytes are untrusted: a record out of
// place or of the wrong size is rejected whole, with a reason.
#pragma once
#include <cstddef>
#include <string>

#include "../model/model.h"

namespace analyzer {

// `payload` is the record's payload. False, with `why`, when malformed.
bool decode_live_blocks(const char* payload, size_t size, LiveAtStart& live, std::string& why);

}  // namespace analyzer
