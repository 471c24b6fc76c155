#include "json_writer.h"

#include <cmath>
#include <cstdio>

namespace analyzer {

std::string json_escape(const std::string& s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            case '\r': out += "\\r"; break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    return out + "\"";
}

void JsonWriter::separate(const char* key) {
    if (!first_.empty()) {
        if (!first_.back()) out_ << ",";
        first_.back() = false;
    }
    if (key != nullptr) out_ << json_escape(key) << ":";
}

JsonWriter& JsonWriter::begin_object(const char* key) {
    separate(key);
    out_ << "{";
    first_.push_back(true);
    return *this;
}

JsonWriter& JsonWriter::end_object() {
    out_ << "}";
    first_.pop_back();
    return *this;
}

JsonWriter& JsonWriter::begin_array(const char* key) {
    separate(key);
    out_ << "[";
    first_.push_back(true);
    return *this;
}

JsonWriter& JsonWriter::end_array() {
    out_ << "]";
    first_.pop_back();
    return *this;
}

JsonWriter& JsonWriter::field(const char* key, const std::string& value) {
    separate(key);
    out_ << json_escape(value);
    return *this;
}

JsonWriter& JsonWriter::field(const char* key, uint64_t value) {
    separate(key);
    out_ << value;
    return *this;
}

JsonWriter& JsonWriter::field(const char* key, int64_t value) {
    separate(key);
    out_ << value;
    return *this;
}

JsonWriter& JsonWriter::field(const char* key, double value) {
    separate(key);
    if (!std::isfinite(value)) {
        out_ << "null";
    } else {
        char buf[64];
        snprintf(buf, sizeof buf, "%.9g", value);
        out_ << buf;
    }
    return *this;
}

JsonWriter& JsonWriter::field(const char* key, bool value) {
    separate(key);
    out_ << (value ? "true" : "false");
    return *this;
}

JsonWriter& JsonWriter::value(const std::string& value) { return field(nullptr, value); }

JsonWriter& JsonWriter::strings(const char* key, const std::vector<std::string>& values) {
    begin_array(key);
    for (const std::string& v : values) value(v);
    return end_array();
}

}  // namespace analyzer
