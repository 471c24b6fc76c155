// Builds log bytes in tests, record by record, from the shared format header.
#pragma once
#include <cstring>
#include <string>
#include <vector>
#include <zstd.h>

#include "../../format/event_encoders.h"
#include "../../format/log_format.h"

namespace testlog {

// One thread's allocation events, encoded by the shim's own encoder
// (format/event_encoders.h): the first event's sequence delta counts
// from first_seq, pointers are zigzag deltas from the previous one, Time
// marks move the clock.
class AllocEvents {
public:
    explicit AllocEvents(uint64_t first_seq) : first_seq(first_seq), prev_seq_(first_seq) {}
    AllocEvents& alloc(uint64_t seq, uint32_t stack, uint64_t size, uint64_t ptr) {
        uint8_t buf[64];
        uint8_t* out = shimlog::put_event_start(buf, shimlog::AllocTag::Alloc, seq, prev_seq_);
        out = shimlog::put_alloc_fields(out, stack, size);
        append(buf, shimlog::put_event_pointer(out, ptr, prev_ptr_));
        count++;
        return *this;
    }
    AllocEvents& free(uint64_t seq, uint64_t ptr) {
        uint8_t buf[64];
        uint8_t* out = shimlog::put_event_start(buf, shimlog::AllocTag::Free, seq, prev_seq_);
        append(buf, shimlog::put_event_pointer(out, ptr, prev_ptr_));
        count++;
        return *this;
    }
    AllocEvents& time(uint64_t ticks_later) {
        uint8_t buf[16];
        append(buf, shimlog::put_time_mark(buf, ticks_later));
        return *this;
    }
    uint64_t first_seq;
    uint32_t count = 0;  // Alloc and Free events
    std::string bytes;

private:
    void append(const uint8_t* buf, const uint8_t* end) {
        bytes.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(end - buf));
    }
    uint64_t prev_seq_;
    uint64_t prev_ptr_ = 0;
};

class LogBuilder {
public:
    explicit LogBuilder(uint16_t version = shimlog::kVersion) {
        shimlog::FileHeader h{};
        memcpy(h.magic, shimlog::kMagic, sizeof h.magic);
        h.version = version;
        h.endianness = shimlog::kLittleEndian;
        h.pointer_size = 8;
        h.header_size = sizeof h;
        append(&h, sizeof h);
    }
    template <typename T>
    LogBuilder& record(shimlog::RecordType type, const T& fixed, const std::string& tail = "") {
        shimlog::RecordHeader rh{static_cast<uint16_t>(type), 0, uint32_t(sizeof(T) + tail.size())};
        append(&rh, sizeof rh);
        append(&fixed, sizeof fixed);
        bytes_ += tail;
        return *this;
    }
    LogBuilder& process(uint32_t pid, const std::string& exe, const std::string& cmdline) {
        shimlog::ProcessRecord p{};
        p.pid = pid;
        p.ppid = 1;
        p.start_ns = 1000;
        p.start_ticks = 5000;
        p.exe_len = uint32_t(exe.size());
        p.cmdline_len = uint32_t(cmdline.size());
        return record(shimlog::RecordType::Process, p, exe + cmdline);
    }
    LogBuilder& end(uint64_t end_ns, uint64_t end_ticks, int status) {
        shimlog::EndRecord e{};
        e.end_ns = end_ns;
        e.end_ticks = end_ticks;
        e.exit_status = status;
        return record(shimlog::RecordType::End, e);
    }
    LogBuilder& stack(uint32_t id, const std::vector<uint64_t>& frames) {
        shimlog::StackRecord rec{id, uint32_t(frames.size())};
        return record(shimlog::RecordType::Stack, rec,
                      std::string(reinterpret_cast<const char*>(frames.data()), frames.size() * sizeof(uint64_t)));
    }
    // An AllocChunk record holding `events`, zstd-compressed when asked.
    LogBuilder& alloc_chunk(uint32_t tid, const AllocEvents& events, bool zstd = false, uint64_t first_ticks = 5000) {
        shimlog::AllocChunkRecord rec{};
        rec.tid = tid;
        rec.event_count = events.count;
        rec.first_seq = events.first_seq;
        rec.first_ticks = first_ticks;
        rec.raw_size = uint32_t(events.bytes.size());
        rec.compression = static_cast<uint8_t>(zstd ? shimlog::Compression::Zstd : shimlog::Compression::None);
        return record(shimlog::RecordType::AllocChunk, rec, zstd ? compress(events.bytes) : events.bytes);
    }
    static std::string compress(const std::string& raw) {
        std::string out(ZSTD_compressBound(raw.size()), '\0');
        size_t n = ZSTD_compress(&out[0], out.size(), raw.data(), raw.size(), 3);
        out.resize(ZSTD_isError(n) ? 0 : n);
        return out;
    }
    LogBuilder& thread(const shimlog::ThreadRecord& t) { return record(shimlog::RecordType::Thread, t); }
    // A SampleChunk of (tag, a, b) events: Tick (dt ns, cpu ns) or ThreadCpu
    // (tid, cpu ns); zstd-compressed when `zstd` (the caller links -lzstd).
    struct SampleEvent {
        shimlog::SampleTag tag;
        uint64_t a, b;
    };
    LogBuilder& samples(uint64_t first_ns, const std::vector<SampleEvent>& events, bool zstd = false,
                        uint32_t interval_us = 1000) {
        std::string raw;
        for (const SampleEvent& e : events) {
            uint8_t buf[21];
            uint8_t* end = shimlog::put_sample_event(buf, e.tag, e.a, e.b);
            raw.append(reinterpret_cast<char*>(buf), size_t(end - buf));
        }
        shimlog::SampleChunkRecord rec{};
        rec.first_ns = first_ns;
        rec.event_count = uint32_t(events.size());
        rec.raw_size = uint32_t(raw.size());
        rec.interval_us = interval_us;
        if (!zstd) return record(shimlog::RecordType::SampleChunk, rec, raw);
        std::string packed(ZSTD_compressBound(raw.size()), '\0');
        packed.resize(ZSTD_compress(&packed[0], packed.size(), raw.data(), raw.size(), 3));
        rec.compression = static_cast<uint8_t>(shimlog::Compression::Zstd);
        return record(shimlog::RecordType::SampleChunk, rec, packed);
    }
    // A CpuSamples batch of one thread, encoded as the shim writes it
    // (FORMAT.md row 17): ticks delta, stack id, expiries, depth byte.
    struct CpuSampleEvent {
        uint64_t ticks;
        uint32_t stack;
        uint64_t expiries = 1;
        shimlog::CpuSampleDepth depth = shimlog::CpuSampleDepth::Full;
    };
    LogBuilder& cpu_samples(uint32_t tid, uint64_t period_ns, const std::vector<CpuSampleEvent>& events,
                            uint32_t dropped = 0) {
        std::string raw;
        uint64_t previous = events.empty() ? 0 : events.front().ticks;
        for (const CpuSampleEvent& e : events) {
            uint8_t buf[40];
            uint8_t* out = shimlog::put_varint(buf, e.ticks - previous);
            out = shimlog::put_varint(out, e.stack);
            out = shimlog::put_varint(out, e.expiries);
            *out++ = static_cast<uint8_t>(e.depth);
            raw.append(reinterpret_cast<char*>(buf), size_t(out - buf));
            previous = e.ticks;
        }
        shimlog::CpuSamplesRecord rec{};
        rec.tid = tid;
        rec.count = uint32_t(events.size());
        rec.period_ns = period_ns;
        rec.first_ticks = events.empty() ? 0 : events.front().ticks;
        rec.raw_size = uint32_t(raw.size());
        rec.dropped = dropped;
        return record(shimlog::RecordType::CpuSamples, rec, raw);
    }
    // The shim's exit scan: a Regions record, one Pairs record (pairs in
    // address order of `where`), then the Summary with `flags`.
    struct ScanPair {
        uint64_t where, value;
    };
    LogBuilder& exit_scan(const std::vector<shimlog::ExitScanRegion>& regions, const std::vector<ScanPair>& pairs,
                          uint32_t flags = 0, bool zstd = true) {
        shimlog::ExitScanRecord rec{};
        rec.part = static_cast<uint8_t>(shimlog::ExitScanPart::Regions);
        rec.count = uint32_t(regions.size());
        rec.raw_size = uint32_t(regions.size() * sizeof(shimlog::ExitScanRegion));
        record(shimlog::RecordType::ExitScan, rec,
               std::string(reinterpret_cast<const char*>(regions.data()), rec.raw_size));
        std::string raw;
        uint64_t where = 0, value = 0;
        for (const ScanPair& pair : pairs) {
            uint8_t buf[20];
            uint8_t* end = shimlog::put_scan_pair(buf, pair.where, pair.value, where, value);
            raw.append(reinterpret_cast<char*>(buf), size_t(end - buf));
        }
        rec = shimlog::ExitScanRecord{};
        rec.part = static_cast<uint8_t>(shimlog::ExitScanPart::Pairs);
        rec.count = uint32_t(pairs.size());
        rec.raw_size = uint32_t(raw.size());
        rec.compression = static_cast<uint8_t>(zstd ? shimlog::Compression::Zstd : shimlog::Compression::None);
        if (!pairs.empty()) record(shimlog::RecordType::ExitScan, rec, zstd ? compress(raw) : raw);
        rec = shimlog::ExitScanRecord{};
        rec.part = static_cast<uint8_t>(shimlog::ExitScanPart::Summary);
        rec.count = 1;
        rec.raw_size = sizeof(shimlog::ExitScanSummary);
        shimlog::ExitScanSummary summary{};
        summary.flags = flags;
        summary.pairs = pairs.size();
        return record(shimlog::RecordType::ExitScan, rec,
                      std::string(reinterpret_cast<const char*>(&summary), sizeof summary));
    }
    // A Note record (the shim's: another allocator, whether waits are recorded, ...).
    LogBuilder& note(shimlog::NoteKind kind, const std::string& text = "") {
        shimlog::NoteRecord rec{static_cast<uint16_t>(kind), static_cast<uint16_t>(text.size())};
        return record(shimlog::RecordType::Note, rec, text);
    }
    // Contended waits (records 18-20), as the shim writes them: a wait site's
    // or a mutex holder's totals so far (the newest per key wins), and a
    // thread's batch of waits (start delta, length, stack, object varints,
    // then the kind and flags bytes).
    LogBuilder& wait_site(uint64_t object, shimlog::WaitKind kind, uint32_t stack, uint64_t waits, uint64_t wait_ticks,
                          uint64_t max_ticks, uint32_t threads, uint64_t timeouts = 0) {
        shimlog::WaitSiteRecord rec{};
        rec.object = object;
        rec.stack_id = stack;
        rec.kind = static_cast<uint8_t>(kind);
        rec.waits = waits;
        rec.timeouts = timeouts;
        rec.wait_ticks = wait_ticks;
        rec.max_ticks = max_ticks;
        rec.threads = threads;
        return record(shimlog::RecordType::WaitSite, rec);
    }
    LogBuilder& lock_holder(uint64_t object, uint32_t stack, uint64_t releases, uint64_t delay_ticks,
                            uint64_t timed_holds, uint64_t hold_ticks, uint64_t max_hold_ticks) {
        shimlog::LockHolderRecord rec{};
        rec.object = object;
        rec.stack_id = stack;
        rec.releases = releases;
        rec.delay_ticks = delay_ticks;
        rec.timed_holds = timed_holds;
        rec.hold_ticks = hold_ticks;
        rec.max_hold_ticks = max_hold_ticks;
        return record(shimlog::RecordType::LockHolder, rec);
    }
    struct WaitEvent {
        uint64_t start_ticks, length_ticks;
        uint32_t stack;
        uint64_t object;
        shimlog::WaitKind kind = shimlog::WaitKind::Mutex;
        uint8_t flags = 0;
    };
    static std::string encode_waits(uint64_t first_ticks, const std::vector<WaitEvent>& waits) {
        std::string raw;
        uint64_t previous = first_ticks;
        for (const WaitEvent& w : waits) {
            uint8_t buf[48];
            uint8_t* out = shimlog::put_varint(buf, w.start_ticks - previous);
            out = shimlog::put_varint(out, w.length_ticks);
            out = shimlog::put_varint(out, w.stack);
            out = shimlog::put_varint(out, w.object);
            *out++ = static_cast<uint8_t>(w.kind);
            *out++ = w.flags;
            raw.append(reinterpret_cast<char*>(buf), size_t(out - buf));
            previous = w.start_ticks;
        }
        return raw;
    }
    LogBuilder& wait_chunk(uint32_t tid, const std::vector<WaitEvent>& waits, uint32_t dropped = 0) {
        shimlog::WaitChunkRecord rec{};
        rec.tid = tid;
        rec.count = uint32_t(waits.size());
        rec.first_ticks = waits.empty() ? 0 : waits.front().start_ticks;
        std::string raw = encode_waits(rec.first_ticks, waits);
        rec.raw_size = uint32_t(raw.size());
        rec.dropped = dropped;
        return record(shimlog::RecordType::WaitChunk, rec, raw);
    }
    LogBuilder& raw(const std::string& bytes) {
        bytes_ += bytes;
        return *this;
    }
    const std::string& bytes() const { return bytes_; }

private:
    void append(const void* p, size_t n) { bytes_.append(static_cast<const char*>(p), n); }
    std::string bytes_;
};

}  // namespace testlog
