#include "format.h"

#include <cstdio>
#include <ctime>

namespace analyzer {

std::string with_commas(uint64_t n) {
    std::string digits = std::to_string(n);
    std::string out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string fixed(double value, int decimals) {
    char buf[64];
    snprintf(buf, sizeof buf, "%.*f", decimals, value);
    return buf;
}

std::string utc_time(uint64_t realtime_ns, bool date) {
    if (realtime_ns == 0) return "unknown";
    time_t seconds = time_t(realtime_ns / 1000000000ULL);
    struct tm t;
    if (gmtime_r(&seconds, &t) == nullptr) return "unknown";
    char buf[64];
    strftime(buf, sizeof buf, date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", &t);
    char out[80];
    snprintf(out, sizeof out, "%s.%03u", buf, unsigned(realtime_ns / 1000000ULL % 1000));
    return out;
}

std::string printable(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (unsigned char c : s) {
        if (c >= 0x20 && c != 0x7f) {
            out += char(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else {
            char hex[8];
            snprintf(hex, sizeof hex, "\\x%02x", c);
            out += hex;
        }
    }
    return out;
}

std::string human_bytes(double bytes) {
    static const char* const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int unit = 0;
    while (bytes >= 1024 && unit < 4) {
        bytes /= 1024;
        ++unit;
    }
    bool whole = bytes == static_cast<double>(static_cast<uint64_t>(bytes));  // "64 KiB", not "64.0 KiB"
    return fixed(bytes, unit == 0 || bytes >= 100 || whole ? 0 : 1) + " " + units[unit];
}

std::string human_seconds(double seconds) {
    if (seconds >= 1) return fixed(seconds, 2) + " s";
    if (seconds >= 1e-3) return fixed(seconds * 1e3, seconds >= 0.1 ? 0 : 1) + " ms";
    if (seconds >= 1e-6) return fixed(seconds * 1e6, 0) + " µs";
    return fixed(seconds * 1e9, 0) + " ns";
}

std::string percent(double part, double whole) {
    if (whole <= 0) return "-";
    return fixed(100.0 * part / whole, 1) + "%";
}

}  // namespace analyzer

namespace analyzer {
size_t utf8_length(const std::string& s) {
    size_t chars = 0;
    for (unsigned char c : s) chars += (c & 0xC0) != 0x80;
    return chars;
}

std::string pad_right(const std::string& s, size_t width) {
    size_t chars = utf8_length(s);
    return chars + 1 >= width ? s + " " : s + std::string(width - chars, ' ');
}

std::string sample_note(uint64_t calls, uint64_t untimed_calls) {
    if (untimed_calls == 0 || untimed_calls > calls) return "";
    return "estimated from a sample of " + with_commas(calls - untimed_calls) + " of " +
           with_commas(calls) + " calls";
}

}  // namespace analyzer
