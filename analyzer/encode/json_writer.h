// A small streaming JSON writer: objects, arrays, escaped strings, numbers.
#pragma once
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace analyzer {

class JsonWriter {
public:
    explicit JsonWriter(std::ostream& out) : out_(out) {}
    JsonWriter& begin_object(const char* key = nullptr);
    JsonWriter& end_object();
    JsonWriter& begin_array(const char* key = nullptr);
    JsonWriter& end_array();
    JsonWriter& field(const char* key, const std::string& value);
    JsonWriter& field(const char* key, const char* value) { return field(key, std::string(value)); }
    JsonWriter& field(const char* key, uint64_t value);
    JsonWriter& field(const char* key, int64_t value);
    JsonWriter& field(const char* key, int value) { return field(key, int64_t(value)); }
    JsonWriter& field(const char* key, uint32_t value) { return field(key, uint64_t(value)); }
    JsonWriter& field(const char* key, double value);
    JsonWriter& field(const char* key, bool value);
    JsonWriter& value(const std::string& value);  // an array element
    JsonWriter& strings(const char* key, const std::vector<std::string>& values);

private:
    void separate(const char* key);
    std::ostream& out_;
    std::vector<bool> first_;  // per open container: nothing written yet
};

std::string json_escape(const std::string& s);

}  // namespace analyzer
