#include "protobuf_wire.h"

namespace analyzer {
namespace {

constexpr unsigned kWireVarint = 0;
constexpr unsigned kWireLengthDelimited = 2;

}  // namespace

void append_varint(std::string& out, uint64_t value) {
    while (value >= 0x80) {
        out += static_cast<char>((value & 0x7f) | 0x80);
        value >>= 7;
    }
    out += static_cast<char>(value);
}

void ProtoWriter::tag(uint32_t field, unsigned wire_type) {
    append_varint(data_, (uint64_t(field) << 3) | wire_type);
}

ProtoWriter& ProtoWriter::varint(uint32_t field, uint64_t value) {
    if (value == 0) return *this;
    tag(field, kWireVarint);
    append_varint(data_, value);
    return *this;
}

ProtoWriter& ProtoWriter::bytes(uint32_t field, const std::string& value) {
    tag(field, kWireLengthDelimited);
    append_varint(data_, value.size());
    data_ += value;
    return *this;
}

ProtoWriter& ProtoWriter::packed(uint32_t field, const std::vector<uint64_t>& values) {
    if (values.empty()) return *this;
    std::string body;
    for (uint64_t v : values) append_varint(body, v);
    return bytes(field, body);
}

ProtoWriter& ProtoWriter::packed_signed(uint32_t field, const std::vector<int64_t>& values) {
    std::vector<uint64_t> raw(values.begin(), values.end());
    return packed(field, raw);
}

}  // namespace analyzer
