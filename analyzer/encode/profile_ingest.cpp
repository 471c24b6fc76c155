#include "profile_ingest.h"

#include <cctype>
#include <cstdio>

namespace analyzer {
namespace {

std::string name_safe(const std::string& text) {
    std::string out = text.empty() ? "_" : text;
    for (char& c : out)
        if (c == ',' || c == '=' || c == '{' || c == '}' || c == ' ' || c == '"' || static_cast<unsigned char>(c) < 0x20)
            c = '_';
    return out;
}

std::string json_string(const std::string& text) {
    std::string out = "\"";
    for (unsigned char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += char(c);
        } else if (c < 0x20) {
            char buf[8];
            snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += char(c);
        }
    }
    return out + "\"";
}

struct SampleTypeConfig {
    const char* type;
    const char* units;        // Pyroscope's: samples, objects, bytes, lock_samples, lock_nanoseconds
    const char* aggregation;  // sum over time, or average (what is held at a moment)
    const char* display;      // the suffix of the application's name
};

// Exact counts, so none is "sampled" (scaled by the period) but the CPU.
const SampleTypeConfig kSampleTypes[] = {
    {"alloc_objects", "objects", "sum", "alloc_objects"},
    {"alloc_space", "bytes", "sum", "alloc_space"},
    {"inuse_objects", "objects", "average", "inuse_objects"},
    {"inuse_space", "bytes", "average", "inuse_space"},
    {"read_calls", "samples", "sum", "read_calls"},
    {"read_bytes", "bytes", "sum", "read_bytes"},
    {"cpu", "samples", "sum", "cpu"},
    {"contentions", "lock_samples", "sum", "wait_count"},
    {"delay", "lock_nanoseconds", "sum", "wait_duration"},
};

}  // namespace

std::string pyroscope_app_name(const std::string& app, const IngestLabels& labels) {
    std::string name = name_safe(app) + "{";
    for (size_t i = 0; i < labels.size(); ++i)
        name += (i ? "," : "") + name_safe(labels[i].first) + "=" + name_safe(labels[i].second);
    return name + "}";
}

std::string percent_encode(const std::string& text) {
    static const char digits[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += char(c);
        } else {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 15];
        }
    }
    return out;
}

std::string pyroscope_ingest_query(const std::string& app_name, uint64_t from_s, uint64_t until_s) {
    return "name=" + percent_encode(app_name) + "&from=" + std::to_string(from_s) + "&until=" +
           std::to_string(until_s) + "&format=pprof";
}

std::string pyroscope_sample_type_config(const std::vector<std::string>& sample_types) {
    std::string json = "{";
    bool first = true;
    for (const std::string& type : sample_types) {
        for (const SampleTypeConfig& c : kSampleTypes) {
            if (type != c.type) continue;
            json += std::string(first ? "" : ",") + json_string(c.type) + ":{\"units\":" + json_string(c.units) +
                    ",\"aggregation\":" + json_string(c.aggregation) + ",\"display-name\":" + json_string(c.display) +
                    ",\"sampled\":" + (type == "cpu" ? "true" : "false") + "}";
            first = false;
        }
    }
    return json + "}";
}

std::string base64_encode(const std::string& bytes) {
    static const char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        uint32_t v = uint32_t(uint8_t(bytes[i])) << 16 | uint32_t(uint8_t(bytes[i + 1])) << 8 | uint8_t(bytes[i + 2]);
        out += {table[v >> 18], table[(v >> 12) & 63], table[(v >> 6) & 63], table[v & 63]};
    }
    if (i + 1 == bytes.size()) {
        uint32_t v = uint32_t(uint8_t(bytes[i])) << 16;
        out += {table[v >> 18], table[(v >> 12) & 63], '=', '='};
    } else if (i + 2 == bytes.size()) {
        uint32_t v = uint32_t(uint8_t(bytes[i])) << 16 | uint32_t(uint8_t(bytes[i + 1])) << 8;
        out += {table[v >> 18], table[(v >> 12) & 63], table[(v >> 6) & 63], '='};
    }
    return out;
}

std::string parca_write_raw_json(const IngestLabels& labels, const std::string& profile) {
    std::string json = "{\"series\":[{\"labels\":{\"labels\":[";
    for (size_t i = 0; i < labels.size(); ++i)
        json += std::string(i ? "," : "") + "{\"name\":" + json_string(labels[i].first) +
                ",\"value\":" + json_string(labels[i].second) + "}";
    json += "]},\"samples\":[{\"rawProfile\":\"" + base64_encode(profile) + "\"}]}],\"normalized\":false}";
    return json;
}

}  // namespace analyzer
