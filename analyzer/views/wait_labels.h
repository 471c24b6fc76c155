// How the exports name a wait: its kind in a word and the object waited on.
// The one place the exports take object names from, so the analysis's
// naming (wait_objects.h) can replace the address fallback here alone.
#pragma once
#include <cstdint>
#include <string>

#include "../model/model.h"
#include "../symbols/symbolize.h"

namespace analyzer {

// "mutex", "rwlock read", "condition", ... ("wait" for a kind this analyzer does not know).
const char* wait_kind_word(shimlog::WaitKind kind);

// "mutex 0x601040", "join thread 1234": the kind then the object.
std::string wait_label(const Log& log, Symbolizer& symbols, shimlog::WaitKind kind, uint64_t object);

}  // namespace analyzer
