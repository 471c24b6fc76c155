#include "sample_chunk_reader.h"

#include <cstring>

#include "chunk_unpack.h"

namespace analyzer {
namespace {

bool fail(std::string& why, std::string reason) {
    why = "sample chunk: " + std::move(reason);
    return false;
}

bool unpack(const shimlog::SampleChunkRecord& rec, const char* body, size_t body_size, std::string& out,
            std::string& why) {
    std::string reason;
    return unpack_chunk(rec.compression, rec.raw_size, body, body_size, out, reason) || fail(why, reason);
}

// Reads the events into `ticks` and `cpu`; false at the first bad one.
bool read_events(const shimlog::SampleChunkRecord& rec, const std::string& raw, Samples& out, std::string& why) {
    const uint8_t* in = reinterpret_cast<const uint8_t*>(raw.data());
    const uint8_t* end = in + raw.size();
    uint64_t now = rec.first_ns;
    for (uint32_t i = 0; i < rec.event_count; ++i) {
        if (in == end) return fail(why, "it ends after " + std::to_string(i) + " of its " +
                                            std::to_string(rec.event_count) + " events");
        uint8_t tag = *in++;
        uint64_t a = 0, b = 0;
        if (!shimlog::get_varint(&in, end, &a) || !shimlog::get_varint(&in, end, &b))
            return fail(why, "event " + std::to_string(i) + " is cut short");
        if (tag == static_cast<uint8_t>(shimlog::SampleTag::Tick)) {
            if (a > UINT64_MAX - now) return fail(why, "its clock overflows");
            now += a;
            out.ticks.push_back(SampleTick{now, a, b});
        } else if (tag == static_cast<uint8_t>(shimlog::SampleTag::ThreadCpu) ||
                   tag == static_cast<uint8_t>(shimlog::SampleTag::ThreadWait)) {
            if (a > UINT32_MAX) return fail(why, "a thread id out of range");
            ThreadCpuReading reading{now, static_cast<uint32_t>(a), b};
            (tag == static_cast<uint8_t>(shimlog::SampleTag::ThreadCpu) ? out.thread_cpu : out.thread_wait)
                .push_back(reading);
        } else if (tag == static_cast<uint8_t>(shimlog::SampleTag::ThreadBlocked)) {
            if (a > UINT32_MAX) return fail(why, "a thread id out of range");
            if (b < uint64_t(shimlog::BlockedIn::Io) || b > uint64_t(shimlog::BlockedIn::Other))
                return fail(why, "a blocked thread of unknown kind " + std::to_string(b));
            out.thread_blocked.push_back({now, static_cast<uint32_t>(a), static_cast<shimlog::BlockedIn>(b)});
        } else if (tag == static_cast<uint8_t>(shimlog::SampleTag::ThreadBlockedFd)) {
            // Belongs to that thread's reading just before (in this chunk or the previous one).
            if (a > UINT32_MAX || b > INT32_MAX) return fail(why, "a blocked thread's descriptor out of range");
            for (auto r = out.thread_blocked.rbegin(); r != out.thread_blocked.rend(); ++r)
                if (r->tid == a) {
                    if (r->kind == shimlog::BlockedIn::Io && r->fd < 0) r->fd = static_cast<int32_t>(b);
                    break;
                }
        }  // else a tag from a later shim: every event has the same shape, so it is skipped
    }
    if (in != end) return fail(why, "bytes left after its last event");
    return true;
}

}  // namespace

bool decode_sample_chunk(const char* payload, size_t size, Samples& samples, std::string& why) {
    shimlog::SampleChunkRecord rec;
    if (size < sizeof rec) return fail(why, "shorter than its header");
    memcpy(&rec, payload, sizeof rec);
    if (rec.raw_size > shimlog::kMaxChunkRawSize)
        return fail(why, "larger than " + std::to_string(shimlog::kMaxChunkRawSize) + " bytes");
    // The shortest event (a tag and two one-byte varints) takes 3 bytes.
    if (rec.event_count > rec.raw_size / 3) return fail(why, "it counts more events than fit");
    std::string raw;
    if (!unpack(rec, payload + sizeof rec, size - sizeof rec, raw, why)) return false;
    Samples read;
    if (!read_events(rec, raw, read, why)) return false;
    samples.ticks.insert(samples.ticks.end(), read.ticks.begin(), read.ticks.end());
    samples.thread_cpu.insert(samples.thread_cpu.end(), read.thread_cpu.begin(), read.thread_cpu.end());
    samples.thread_wait.insert(samples.thread_wait.end(), read.thread_wait.begin(), read.thread_wait.end());
    samples.thread_blocked.insert(samples.thread_blocked.end(), read.thread_blocked.begin(), read.thread_blocked.end());
    if (rec.interval_us != 0) samples.interval_us = rec.interval_us;
    samples.chunks++;
    return true;
}

}  // namespace analyzer
