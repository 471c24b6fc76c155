// Number and column formatting shared by the findings and the views.
#pragma once
#include <cstdint>
#include <string>

namespace analyzer {

std::string with_commas(uint64_t n);            // 1270331 -> "1,270,331"
std::string human_bytes(double bytes);          // 1.2 MB, 64 KiB-style: "1.2 MiB"
std::string human_seconds(double seconds);      // "1.41 s", "320 ms", "12 µs"
std::string percent(double part, double whole); // "90.1%", "-" when whole is 0
std::string fixed(double value, int decimals);
// A wall-clock time in UTC to the millisecond: "2026-12-06 03:51:01.123"
// ("unknown" for 0); with date = false only "03:51:01.123".
std::string utc_time(uint64_t realtime_ns, bool date = true);
// Control characters shown as \n, \t, \xNN: a path or argument can hold any
// byte but NUL, and one with a newline must not split a report line.
std::string printable(const std::string& s);
// Characters, not bytes, of UTF-8 text (only lead bytes count): "µs" is two
// wide in a column.
size_t utf8_length(const std::string& s);
std::string pad_right(const std::string& s, size_t width);  // left-aligned in a column, at least one space after

// "estimated from a sample of M of N calls" (the shim times a
// sample of a busy call site's calls), or "" when every call was timed.
std::string sample_note(uint64_t calls, uint64_t untimed_calls);

}  // namespace analyzer
