// PprofProfile to protobuf bytes, field numbers from pprof's profile.proto.
#include "../encode/protobuf_wire.h"
#include "pprof.h"

namespace analyzer {
namespace {

// Field numbers of profile.proto, by message.
enum ProfileField : uint32_t {
    kSampleType = 1, kSample = 2, kMapping = 3, kLocation = 4, kFunction = 5, kStringTable = 6,
    kDropFrames = 7, kTimeNanos = 9, kDurationNanos = 10, kPeriodType = 11, kPeriod = 12,
    kComment = 13, kDefaultSampleType = 14,
};

ProtoWriter value_type(const PprofValueType& v) {
    ProtoWriter w;
    w.signed_varint(1, v.type).signed_varint(2, v.unit);
    return w;
}

ProtoWriter sample(const PprofSample& s) {
    ProtoWriter w;
    w.packed(1, s.location_ids).packed_signed(2, s.values);
    for (const PprofLabel& label : s.labels) {
        ProtoWriter l;
        l.signed_varint(1, label.key).signed_varint(2, label.str);
        w.message(3, l);
    }
    return w;
}

ProtoWriter mapping(const PprofMapping& m) {
    ProtoWriter w;
    w.varint(1, m.id).varint(2, m.start).varint(3, m.limit).varint(4, m.offset);
    w.signed_varint(5, m.filename).signed_varint(6, m.build_id);
    for (uint32_t flag = 7; flag <= 10; ++flag) w.varint(flag, m.symbolized ? 1 : 0);
    return w;
}

ProtoWriter location(const PprofLocation& loc) {
    ProtoWriter w;
    w.varint(1, loc.id).varint(2, loc.mapping_id).varint(3, loc.address);
    for (const PprofLine& line : loc.lines) {
        ProtoWriter l;
        l.varint(1, line.function_id).signed_varint(2, line.line);
        w.message(4, l);
    }
    return w;
}

ProtoWriter function(const PprofFunction& f) {
    ProtoWriter w;
    w.varint(1, f.id).signed_varint(2, f.name).signed_varint(3, f.system_name).signed_varint(4, f.filename);
    return w;
}

}  // namespace

std::string encode_pprof(const PprofProfile& p) {
    ProtoWriter w;
    for (const PprofValueType& t : p.sample_types) w.message(kSampleType, value_type(t));
    for (const PprofSample& s : p.samples) w.message(kSample, sample(s));
    for (const PprofMapping& m : p.mappings) w.message(kMapping, mapping(m));
    for (const PprofLocation& loc : p.locations) w.message(kLocation, location(loc));
    for (const PprofFunction& f : p.functions) w.message(kFunction, function(f));
    for (const std::string& s : p.string_table) w.bytes(kStringTable, s);
    w.signed_varint(kDropFrames, p.drop_frames);
    w.signed_varint(kTimeNanos, p.time_nanos).signed_varint(kDurationNanos, p.duration_nanos);
    if (p.period_type.type != 0 || p.period_type.unit != 0) w.message(kPeriodType, value_type(p.period_type));
    w.signed_varint(kPeriod, p.period);
    w.packed_signed(kComment, p.comments);
    w.signed_varint(kDefaultSampleType, p.default_sample_type);
    return w.data();
}

}  // namespace analyzer
