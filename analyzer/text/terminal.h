// Terminal manners: colour only for a terminal and only when the user has
// not asked for none (NO_COLOR, https://no-color.org).
#pragma once
#include <string>

namespace analyzer {

// True when `fd` is a terminal and NO_COLOR is unset or empty.
bool colour_wanted(int fd);

enum class Paint {
    Heading,  // a finding's title
    Warning,  // PARTIAL, a failed gate
    Better,   // a diff's improvement
    Worse,    // a diff's regression
};

// `text` wrapped in the ANSI codes for `paint` when `colour`; as is otherwise.
std::string paint(const std::string& text, Paint paint, bool colour);

}  // namespace analyzer
