// Escaping for the HTML report: text from the log is untrusted.
#include <cstdio>

#include "html_parts.h"
#include "../encode/json_writer.h"
#include "../text/format.h"

namespace analyzer {

std::string html_escape(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

// json_escape leaves '<' alone; "</script>" or "<!--" inside a script
// element would end or derail it, so those characters become \u escapes.
std::string script_json_string(const std::string& s) {
    std::string json = json_escape(s), out;
    out.reserve(json.size());
    for (char c : json) {
        if (c == '<') out += "\\u003c";
        else if (c == '>') out += "\\u003e";
        else if (c == '&') out += "\\u0026";
        else out += c;
    }
    return out;
}

std::string shorten_text(const std::string& s, size_t max_chars) {
    if (max_chars == 0) return "";
    size_t chars = 0, cut = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;  // inside a character
        if (chars + 1 == max_chars) cut = i;
        if (++chars > max_chars) return s.substr(0, cut) + "…";
    }
    return s;
}

std::string shorten_left(const std::string& s, size_t max_chars) {
    if (utf8_length(s) <= max_chars) return s;
    if (max_chars == 0) return "";
    size_t keep = max_chars - 1, at = s.size();
    while (keep > 0 && at > 0)  // back over `keep` characters: each ends at its lead byte
        if ((static_cast<unsigned char>(s[--at]) & 0xC0) != 0x80) --keep;
    return "…" + s.substr(at);
}

std::string svg_number(double value, int decimals) {
    char buf[64];
    snprintf(buf, sizeof buf, "%.*f", decimals, value);
    std::string out = buf;
    if (out.find('.') != std::string::npos) {
        while (out.back() == '0') out.pop_back();
        if (out.back() == '.') out.pop_back();
    }
    return out == "-0" ? "0" : out;
}

}  // namespace analyzer
