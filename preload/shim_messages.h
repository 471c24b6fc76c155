// The shim's only voice: one line on stderr, prefixed "shim: ".
#pragma once

namespace shim {

// printf-style; formats into a stack buffer and writes it with one write(2).
void say(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace shim
