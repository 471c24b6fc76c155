// The shim's only voice: one line on stderr, prefixed "shim: ".
#pragma once
#include <cstddef>

namespace shim {

// printf-style; formats into a stack buffer and writes it with one write(2).
void say(const char* format, ...) __attribute__((format(printf, 1, 2)));

// A path as a message shows it, in `buf`: control characters escaped (\n,
// \xNN) so it stays on one line, and the middle of a long one left out so
// the reason after it still fits the line.
const char* shown_path(const char* path, char* buf, size_t cap);
constexpr size_t kShownPathBytes = 320;

}  // namespace shim
