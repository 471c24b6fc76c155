// A minimal protocol-buffer wire encoder: just what the pprof export needs
// (varints, length-delimited fields, packed repeated varints). Messages are
// built inside out: encode a sub-message into its own writer, then add it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace analyzer {

// Base-128 varint, low 7 bits first; negative int64 values (cast to
// uint64_t by the caller) take all 10 bytes, as protobuf's int64 does.
void append_varint(std::string& out, uint64_t value);

class ProtoWriter {
public:
    // A uint64/int64/bool field. Zero is proto3's default and is not written.
    ProtoWriter& varint(uint32_t field, uint64_t value);
    ProtoWriter& signed_varint(uint32_t field, int64_t value) { return varint(field, static_cast<uint64_t>(value)); }
    // One element of a repeated string or bytes field: always written, empty or not.
    ProtoWriter& bytes(uint32_t field, const std::string& value);
    // An embedded message (also one element of a repeated message field).
    ProtoWriter& message(uint32_t field, const ProtoWriter& sub) { return bytes(field, sub.data()); }
    // A packed repeated varint field; nothing when empty.
    ProtoWriter& packed(uint32_t field, const std::vector<uint64_t>& values);
    ProtoWriter& packed_signed(uint32_t field, const std::vector<int64_t>& values);

    const std::string& data() const { return data_; }

private:
    void tag(uint32_t field, unsigned wire_type);
    std::string data_;
};

}  // namespace analyzer
