// The protobuf wire encoder, the gzip wrapper and the pprof profile they
// carry, checked byte for byte against hand-worked encodings (several from
// the protobuf encoding guide's own examples).
#include <catch2/catch.hpp>

#include <zlib.h>

#include "../../analyzer/encode/gzip_compress.h"
#include "../../analyzer/encode/protobuf_wire.h"
#include "../../analyzer/views/pprof.h"

using namespace analyzer;

namespace {

std::string bytes(std::initializer_list<unsigned> values) {
    std::string out;
    for (unsigned v : values) out += static_cast<char>(v);
    return out;
}

std::string varint(uint64_t value) {
    std::string out;
    append_varint(out, value);
    return out;
}

std::string gunzip(const std::string& data) {
    z_stream z{};
    REQUIRE(inflateInit2(&z, 15 + 16) == Z_OK);  // gzip only
    std::string out(1 << 20, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(&out[0]);
    z.avail_out = static_cast<uInt>(out.size());
    int status = inflate(&z, Z_FINISH);
    out.resize(z.total_out);
    inflateEnd(&z);
    REQUIRE(status == Z_STREAM_END);
    return out;
}

}  // namespace

TEST_CASE("protobuf: varints at every length boundary", "[protobuf]") {
    CHECK(varint(0) == bytes({0x00}));
    CHECK(varint(1) == bytes({0x01}));
    CHECK(varint(127) == bytes({0x7f}));
    CHECK(varint(128) == bytes({0x80, 0x01}));
    CHECK(varint(300) == bytes({0xac, 0x02}));
    CHECK(varint(16383) == bytes({0xff, 0x7f}));
    CHECK(varint(16384) == bytes({0x80, 0x80, 0x01}));
    CHECK(varint(0xffffffffu) == bytes({0xff, 0xff, 0xff, 0xff, 0x0f}));
    CHECK(varint(UINT64_MAX) == bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}));
    // int64 -1 is sent as its two's complement: ten bytes, like UINT64_MAX.
    ProtoWriter w;
    w.signed_varint(1, -1);
    CHECK(w.data() == bytes({0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}));
}

TEST_CASE("protobuf: fields as in the encoding guide", "[protobuf]") {
    CHECK(ProtoWriter().varint(1, 150).data() == bytes({0x08, 0x96, 0x01}));
    CHECK(ProtoWriter().bytes(2, "testing").data() ==
          bytes({0x12, 0x07, 't', 'e', 's', 't', 'i', 'n', 'g'}));
    ProtoWriter inner;
    inner.varint(1, 150);
    CHECK(ProtoWriter().message(3, inner).data() == bytes({0x1a, 0x03, 0x08, 0x96, 0x01}));
    CHECK(ProtoWriter().packed(4, {3, 270, 86942}).data() ==
          bytes({0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05}));
    // Field 16 needs a two-byte tag.
    CHECK(ProtoWriter().varint(16, 1).data() == bytes({0x80, 0x01, 0x01}));
}

TEST_CASE("protobuf: proto3 defaults are left out, repeated strings are not", "[protobuf]") {
    CHECK(ProtoWriter().varint(1, 0).data().empty());
    CHECK(ProtoWriter().packed(1, {}).data().empty());
    CHECK(ProtoWriter().bytes(6, "").data() == bytes({0x32, 0x00}));
}

TEST_CASE("pprof: a tiny profile encodes to the bytes worked out by hand", "[protobuf][pprof]") {
    PprofProfile p;
    p.sample_types.push_back({p.intern("a"), p.intern("b")});
    CHECK(p.intern("a") == 1);  // interned once
    // sample_type {type: 1, unit: 2}; string_table "", "a", "b"
    CHECK(encode_pprof(p) ==
          bytes({0x0a, 0x04, 0x08, 0x01, 0x10, 0x02, 0x32, 0x00, 0x32, 0x01, 'a', 0x32, 0x01, 'b'}));

    PprofSample s;
    s.location_ids = {1, 2};
    s.values = {5};
    p.samples.push_back(s);
    p.period = 1;
    // ... then sample {location_id: [1, 2] packed, value: [5] packed} after the sample types,
    // and period 1 (field 12) after the string table.
    CHECK(encode_pprof(p) == bytes({0x0a, 0x04, 0x08, 0x01, 0x10, 0x02,
                                    0x12, 0x07, 0x0a, 0x02, 0x01, 0x02, 0x12, 0x01, 0x05,
                                    0x32, 0x00, 0x32, 0x01, 'a', 0x32, 0x01, 'b',
                                    0x60, 0x01}));
}

TEST_CASE("pprof: gzip output is a gzip stream of the same bytes", "[protobuf][pprof]") {
    std::string data(100000, 'x');
    for (size_t i = 0; i < data.size(); i += 7) data[i] = char(i);
    std::string packed = gzip_compress(data);
    REQUIRE(packed.size() > 10);
    CHECK(static_cast<unsigned char>(packed[0]) == 0x1f);
    CHECK(static_cast<unsigned char>(packed[1]) == 0x8b);
    CHECK(gunzip(packed) == data);
    CHECK(gunzip(gzip_compress("")).empty());
}

TEST_CASE("pprof: allocation samples per stack, locations shared, mappings from modules", "[pprof]") {
    Log log;
    log.process.exe = "/bin/prog";
    log.modules.push_back({0x7000, 0x8000, 0x7000, "/lib/libother.so", ""});
    log.modules.push_back({0x1000, 0x3000, 0x1000, "/bin/prog", std::string("\x01\xab", 2)});
    log.stacks[1] = {0x1100, 0x2200};  // innermost first
    log.stacks[2] = {0x1180, 0x2200};
    AllocReport allocs;
    allocs.stacks[1] = {};
    allocs.stacks[1].stack_id = 1;
    allocs.stacks[1].allocations = 10;
    allocs.stacks[1].bytes = 100;
    allocs.stacks[1].leaked = 1;
    allocs.stacks[1].leaked_bytes = 10;
    allocs.stacks[2] = {};
    allocs.stacks[2].stack_id = 2;
    allocs.stacks[2].allocations = 3;
    allocs.stacks[2].bytes = 3;
    allocs.stacks[7] = {};  // nothing allocated: no sample
    allocs.stacks[7].stack_id = 7;
    Symbolizer symbols({});  // nothing to open: names fall back to addresses

    PprofProfile p = build_pprof(log, allocs, symbols, PprofWhat::Allocations);
    REQUIRE(p.sample_types.size() == 4);
    CHECK(p.string_table[size_t(p.sample_types[0].type)] == "alloc_objects");
    CHECK(p.string_table[size_t(p.sample_types[3].type)] == "inuse_space");
    CHECK(p.string_table[size_t(p.sample_types[3].unit)] == "bytes");
    CHECK(p.string_table[size_t(p.default_sample_type)] == "alloc_objects");
    REQUIRE(p.samples.size() == 2);
    CHECK(p.samples[0].values == std::vector<int64_t>{10, 100, 1, 10});
    CHECK(p.samples[0].location_ids == std::vector<uint64_t>{1, 2});
    CHECK(p.samples[1].location_ids == std::vector<uint64_t>{3, 2});  // the caller's location is shared
    REQUIRE(p.locations.size() == 3);
    CHECK(p.locations[0].address == 0x10ff);  // inside the call, like the symbolizer
    REQUIRE(p.mappings.size() == 2);
    CHECK(p.string_table[size_t(p.mappings[0].filename)] == "/bin/prog");  // the executable first
    CHECK(p.string_table[size_t(p.mappings[0].build_id)] == "01ab");
    CHECK(p.mappings[0].start == 0x1000);
    CHECK(p.mappings[0].limit == 0x3000);
    CHECK(p.locations[0].mapping_id == 1);
    REQUIRE(p.locations[0].lines.size() == 1);
    CHECK(p.functions[p.locations[0].lines[0].function_id - 1].id == p.locations[0].lines[0].function_id);
}

TEST_CASE("pprof: read samples carry calls, bytes and the file; writes are left out", "[pprof]") {
    Log log;
    log.files[3] = {3, 5, shimlog::FileKind::Regular, "/data/book.txt"};
    IoSite read_site;
    read_site.file_id = 3;
    read_site.stack_id = 99;  // not in the log: the site address stands in
    read_site.site = 0x4000;
    read_site.calls = 1270331;
    read_site.bytes_done = 1270330;
    IoSite write_site = read_site;
    write_site.syscall = shimlog::Syscall::write;
    log.io_sites = {read_site, write_site};
    Symbolizer symbols({});
    PprofProfile p = build_pprof(log, AllocReport{}, symbols, PprofWhat::Reads);
    REQUIRE(p.samples.size() == 1);
    CHECK(p.samples[0].values == std::vector<int64_t>{1270331, 1270330});
    CHECK(p.samples[0].location_ids.size() == 1);
    REQUIRE(p.samples[0].labels.size() == 5);  // file, syscall, then pid, command, window
    CHECK(p.string_table[size_t(p.samples[0].labels[0].key)] == "file");
    CHECK(p.string_table[size_t(p.samples[0].labels[4].key)] == "window");
    CHECK(p.string_table[size_t(p.samples[0].labels[0].str)] == "/data/book.txt");
    CHECK(p.string_table[size_t(p.sample_types[0].type)] == "read_calls");
}
