#include "cpu_samples_reader.h"

#include <cstring>

#include "../model/saturate.h"

namespace analyzer {
namespace {

bool fail(std::string& why, std::string reason) {
    why = "CPU samples: " + std::move(reason);
    return false;
}

// The shortest sample: three one-byte varints and the depth byte.
constexpr uint32_t kMinSampleBytes = 4;

bool read_samples(const shimlog::CpuSamplesRecord& rec, const uint8_t* in, const uint8_t* end,
                  std::vector<CpuSample>& out, std::string& why) {
    uint64_t ticks = rec.first_ticks;
    for (uint32_t i = 0; i < rec.count; ++i) {
        uint64_t delta = 0, stack = 0, expiries = 0;
        if (!shimlog::get_varint(&in, end, &delta) || !shimlog::get_varint(&in, end, &stack) ||
            !shimlog::get_varint(&in, end, &expiries) || in == end)
            return fail(why, "sample " + std::to_string(i) + " of " + std::to_string(rec.count) + " is cut short");
        uint8_t depth = *in++;
        if (delta > UINT64_MAX - ticks) return fail(why, "its clock overflows");
        if (stack > UINT32_MAX) return fail(why, "a stack id out of range");
        if (expiries == 0) return fail(why, "a sample of no timer expiry");
        if (depth > static_cast<uint8_t>(shimlog::CpuSampleDepth::AtThreadEnd))
            return fail(why, "a sample of unknown depth " + std::to_string(depth));
        ticks += delta;
        CpuSample s;
        s.tid = rec.tid;
        s.ticks = ticks;
        s.stack_id = static_cast<uint32_t>(stack);
        s.weight_ns = saturating_u64(double(expiries) * double(rec.period_ns));
        s.depth = static_cast<shimlog::CpuSampleDepth>(depth);
        out.push_back(s);
    }
    if (in != end) return fail(why, "bytes left after its last sample");
    return true;
}

}  // namespace

bool decode_cpu_samples(const char* payload, size_t size, CpuProfile& profile, std::string& why) {
    shimlog::CpuSamplesRecord rec;
    if (size < sizeof rec) return fail(why, "shorter than its header");
    memcpy(&rec, payload, sizeof rec);
    if (rec.raw_size != size - sizeof rec) return fail(why, "its size does not match its samples' bytes");
    if (rec.raw_size > shimlog::kMaxChunkRawSize)
        return fail(why, "larger than " + std::to_string(shimlog::kMaxChunkRawSize) + " bytes");
    if (rec.count > rec.raw_size / kMinSampleBytes) return fail(why, "it counts more samples than fit");
    if (rec.period_ns == 0 && rec.count > 0) return fail(why, "a period of 0 ns");
    std::vector<CpuSample> read;
    read.reserve(rec.count);
    const uint8_t* in = reinterpret_cast<const uint8_t*>(payload + sizeof rec);
    if (!read_samples(rec, in, in + rec.raw_size, read, why)) return false;
    profile.samples.insert(profile.samples.end(), read.begin(), read.end());
    if (rec.period_ns != 0) profile.period_ns = rec.period_ns;
    profile.dropped += rec.dropped;
    profile.batches++;
    return true;
}

}  // namespace analyzer
