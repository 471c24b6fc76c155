#include "decode.h"
#include "log_bytes.h"
#include "../model/saturate.h"

#include <cstring>

#include "cpu_samples_reader.h"
#include "live_blocks_reader.h"
#include "wait_records_reader.h"
#include "sample_chunk_reader.h"
#include "semaphore_locks.h"
#include "thread_cpu_estimate.h"

namespace analyzer {
namespace {

using shimlog::RecordType;

// A bounds-checked view of one record's payload.
class Payload {
public:
    Payload(const char* data, size_t size) : data_(data), size_(size) {}
    // Copies a fixed-size struct from the front; false if the payload is too short.
    template <typename T>
    bool take(T& out) {
        if (size_ - pos_ < sizeof(T)) return false;
        memcpy(&out, data_ + pos_, sizeof(T));
        pos_ += sizeof(T);
        return true;
    }
    bool take_string(size_t len, std::string& out) {
        if (size_ - pos_ < len) return false;
        out.assign(data_ + pos_, len);
        pos_ += len;
        return true;
    }
    const char* rest() const { return data_ + pos_; }
    size_t rest_size() const { return size_ - pos_; }

private:
    const char* data_;
    size_t size_;
    size_t pos_ = 0;
};

std::vector<std::string> split_cmdline(const std::string& raw) {
    std::vector<std::string> args;
    size_t start = 0;
    while (start < raw.size()) {
        size_t end = raw.find('\0', start);
        if (end == std::string::npos) end = raw.size();
        args.push_back(raw.substr(start, end - start));
        start = end + 1;
    }
    return args;
}

bool decode_process(Payload p, Log& log) {
    shimlog::ProcessRecord rec;
    std::string exe, cmdline;
    if (!p.take(rec) || !p.take_string(rec.exe_len, exe) || !p.take_string(rec.cmdline_len, cmdline))
        return false;
    ProcessInfo& info = log.process;
    info.pid = rec.pid;
    info.ppid = rec.ppid;
    info.parent_traced = rec.parent_traced != 0;
    info.exe = exe;
    info.argv = split_cmdline(cmdline);
    info.start_realtime_ns = rec.start_realtime_ns;
    info.start_ns = rec.start_ns;
    info.start_ticks = rec.start_ticks;
    return true;
}

bool decode_module(Payload p, Log& log) {
    shimlog::ModuleRecord rec;
    ModuleInfo module;
    if (!p.take(rec) || !p.take_string(rec.build_id_len, module.build_id) ||
        !p.take_string(rec.path_len, module.path) || rec.end < rec.start)
        return false;
    module.start = rec.start;
    module.end = rec.end;
    module.load_bias = rec.load_bias;
    // Every flush writes the map again: keep one entry per mapping.
    for (const ModuleInfo& known : log.modules)
        if (known.start == module.start && known.path == module.path) return true;
    log.modules.push_back(std::move(module));
    return true;
}

bool decode_stack(Payload p, Log& log) {
    shimlog::StackRecord rec;
    if (!p.take(rec) || rec.id == 0 || rec.depth > shimlog::kMaxStackDepth) return false;
    std::vector<uint64_t> frames(rec.depth);
    for (uint64_t& frame : frames)
        if (!p.take(frame)) return false;
    log.stacks[rec.id] = std::move(frames);
    return true;
}

bool decode_file(Payload p, Log& log) {
    shimlog::FileRecord rec;
    FileInfo file;
    if (!p.take(rec) || !p.take_string(rec.path_len, file.path)) return false;
    file.id = rec.file_id;
    file.fd = rec.fd;
    file.kind = rec.kind <= static_cast<uint8_t>(shimlog::FileKind::Other)
                    ? static_cast<shimlog::FileKind>(rec.kind)
                    : shimlog::FileKind::Unknown;
    log.files[file.id] = std::move(file);
    return true;
}

// IoSite records are cumulative snapshots: a later one for the same
// (file, site, syscall, stdio cause) replaces the earlier.
using IoSiteIndex = std::map<std::tuple<uint32_t, uint64_t, uint8_t, uint8_t>, size_t>;
bool decode_io_site(Payload p, Log& log, IoSiteIndex& index) {
    shimlog::IoSiteRecord rec;
    if (!p.take(rec) || rec.syscall >= shimlog::kSyscallCount) return false;
    IoSite site;
    site.file_id = rec.file_id;
    site.stack_id = rec.stack_id;
    site.site = rec.site;
    site.syscall = static_cast<shimlog::Syscall>(rec.syscall);
    if (rec.buffering <= static_cast<uint8_t>(shimlog::StreamBuffering::Full)) {
        site.buffering = static_cast<shimlog::StreamBuffering>(rec.buffering);
        site.buffer_size = rec.buffer_size;
    }
    if (rec.caused_by > 0 && rec.caused_by <= shimlog::kSyscallCount &&
        shimlog::is_stdio(static_cast<shimlog::Syscall>(rec.caused_by - 1)))
        site.caused_by = static_cast<shimlog::Syscall>(rec.caused_by - 1);
    site.calls = rec.calls;
    site.errors = rec.errors;
    site.eof = rec.eof;
    site.bytes_requested = rec.bytes_requested;
    site.bytes_done = rec.bytes_done;
    site.sequential = rec.sequential;
    site.consecutive = rec.consecutive;
    site.time_ns = rec.ticks;  // converted once the clock is calibrated
    site.max_ns = rec.max_ticks;
    for (unsigned b = 0; b < shimlog::kSizeBuckets; ++b) site.histogram[b] = rec.histogram[b];
    shimlog::IoSiteTiming timing;  // absent in older logs: every call was timed
    if (p.take(timing) && timing.timed_calls < rec.calls && !shimlog::is_stdio(site.syscall) &&
        !shimlog::is_second_side(site.syscall))
        site.untimed_calls = rec.calls - timing.timed_calls;
    shimlog::IoSiteRepeats repeats;  // absent in logs before 2026-12-04
    if (p.take(repeats)) {
        site.repeated = repeats.repeated < rec.calls ? repeats.repeated : rec.calls;
        site.repeats_known = true;
    }
    auto key = std::make_tuple(rec.file_id, rec.site, rec.syscall, rec.caused_by);
    auto found = index.find(key);
    if (found != index.end()) {
        log.io_sites[found->second] = site;
    } else {
        index.emplace(key, log.io_sites.size());
        log.io_sites.push_back(site);
    }
    return true;
}

bool decode_end(Payload p, Log& log) {
    shimlog::EndRecord rec;
    if (!p.take(rec)) return false;
    log.end.present = true;
    log.end.end_ns = rec.end_ns;
    log.end.end_ticks = rec.end_ticks;
    log.end.exit_status = rec.exit_status;
    log.end.reason = static_cast<shimlog::EndReason>(rec.reason);
    log.end.dropped = rec.dropped;
    return true;
}

bool decode_window(Payload p, Log& log) {
    shimlog::WindowRecord rec;
    if (!p.take(rec)) return false;
    log.window.present = true;
    log.window.index = rec.index;
    log.window.opened_by = static_cast<shimlog::WindowCause>(rec.opened_by);
    log.window.closed_by = static_cast<shimlog::WindowCause>(rec.closed_by);
    log.window.start_ns = rec.start_ns;
    log.window.end_ns = rec.end_ns;
    log.window.heap_at_start = rec.heap_at_start;
    log.window.heap_at_end = rec.heap_at_end;
    return true;
}

// The latest holds (checkpoints write one each).
bool decode_budget(Payload p, Log& log) {
    shimlog::BudgetRecord rec;
    if (!p.take(rec) || rec.limit_bytes == 0) return false;
    BudgetInfo& b = log.budget;
    b.present = true;
    b.limit_bytes = rec.limit_bytes;
    b.sampling_bytes = rec.sampling_bytes;
    b.sampling_ns = rec.sampling_ns;
    b.sampling_seq = rec.sampling_bytes != 0 ? rec.sampling_seq : 0;
    b.stopped_bytes = rec.stopped_bytes;
    b.stopped_ns = rec.stopped_ns;
    b.alloc_events_unwritten = rec.alloc_events_unwritten;
    b.records_unwritten = rec.records_unwritten;
    b.bytes_unwritten = rec.bytes_unwritten;
    b.alloc_exact_unwritten = rec.alloc_exact_unwritten;
    return true;
}

bool fail(std::string& why, std::string reason) {
    why = std::move(reason);
    return false;
}

bool decode_alloc_chunk(Payload p, Log& log, std::string& why) {
    shimlog::AllocChunkRecord rec;
    if (!p.take(rec)) return false;
    if (rec.raw_size > shimlog::kMaxChunkRawSize)
        return fail(why, "an allocation chunk larger than " + std::to_string(shimlog::kMaxChunkRawSize) + " bytes");
    // The shortest event (a Free) takes 3 bytes.
    if (rec.event_count > rec.raw_size / 3) return fail(why, "an allocation chunk counting more events than fit");
    if (rec.compression != static_cast<uint8_t>(shimlog::Compression::None) &&
        rec.compression != static_cast<uint8_t>(shimlog::Compression::Zstd))
        return fail(why, "an allocation chunk with unknown compression " + std::to_string(rec.compression));
    // The body is unpacked and checked when the analysis reads it: the
    // decoder never holds more than the records' headers.
    AllocChunk chunk;
    chunk.tid = rec.tid;
    chunk.event_count = rec.event_count;
    chunk.first_seq = rec.first_seq;
    chunk.first_ticks = rec.first_ticks;
    chunk.compression = rec.compression;
    chunk.raw_size = rec.raw_size;
    chunk.body = p.rest();
    chunk.body_size = p.rest_size();
    if (chunk.event_count > 0) log.alloc_chunks.push_back(chunk);
    return true;
}

// Bounded like the allocation chunks: a body of at most kMaxChunkRawSize
// once unpacked, regions in address order, pairs only after their regions.
bool decode_exit_scan(Payload p, Log& log, std::string& why) {
    shimlog::ExitScanRecord rec;
    if (!p.take(rec)) return false;
    ExitScan& scan = log.exit_scan;
    if (rec.raw_size > shimlog::kMaxChunkRawSize) return fail(why, "an exit scan record over the size limit");
    switch (static_cast<shimlog::ExitScanPart>(rec.part)) {
        case shimlog::ExitScanPart::Regions: {
            if (rec.compression != 0 || p.rest_size() != rec.raw_size ||
                rec.raw_size != uint64_t(rec.count) * sizeof(shimlog::ExitScanRegion))
                return fail(why, "exit scan regions whose size does not match their count");
            scan = ExitScan{};  // a later scan replaces an earlier one
            scan.present = true;
            scan.regions.resize(rec.count);
            if (rec.count) memcpy(scan.regions.data(), p.rest(), rec.raw_size);
            for (size_t i = 0; i < scan.regions.size(); ++i) {
                const shimlog::ExitScanRegion& r = scan.regions[i];
                if (r.end <= r.start || (i > 0 && r.start < scan.regions[i - 1].end) ||
                    r.kind < uint8_t(shimlog::ExitScanRegionKind::ModuleData) ||
                    r.kind > uint8_t(shimlog::ExitScanRegionKind::Anonymous))
                    return fail(why, "exit scan region " + std::to_string(i) + " is empty, out of order or of an unknown kind");
            }
            return true;
        }
        case shimlog::ExitScanPart::Pairs: {
            if (!scan.present || scan.finished) return fail(why, "exit scan pairs outside a scan");
            if (rec.compression != static_cast<uint8_t>(shimlog::Compression::None) &&
                rec.compression != static_cast<uint8_t>(shimlog::Compression::Zstd))
                return fail(why, "exit scan pairs with unknown compression " + std::to_string(rec.compression));
            if (rec.count > rec.raw_size / 2) return fail(why, "exit scan pairs counting more than fit");  // 2 bytes at least
            ExitScanPairs pairs;
            pairs.count = rec.count;
            pairs.compression = rec.compression;
            pairs.raw_size = rec.raw_size;
            pairs.body = p.rest();
            pairs.body_size = p.rest_size();
            scan.pairs.push_back(pairs);
            return true;
        }
        case shimlog::ExitScanPart::Summary:
            if (!scan.present || scan.finished) return fail(why, "an exit scan summary outside a scan");
            if (p.rest_size() != sizeof scan.summary || !p.take(scan.summary))
                return fail(why, "an exit scan summary of the wrong size");
            scan.finished = true;
            return true;
    }
    return fail(why, "an exit scan record of unknown part " + std::to_string(rec.part));
}

bool decode_thread(Payload p, Log& log, std::string& why) {
    shimlog::ThreadRecord rec;
    if (!p.take(rec)) return false;
    if (rec.end > static_cast<uint8_t>(shimlog::ThreadEnd::AliveAtExit))
        return fail(why, "thread " + std::to_string(rec.tid) + " ended in an unknown way " + std::to_string(rec.end));
    if (rec.cpu_source > static_cast<uint8_t>(shimlog::ThreadCpu::NotRead))
        return fail(why, "thread " + std::to_string(rec.tid) + " has an unknown CPU source " +
                             std::to_string(rec.cpu_source));
    ThreadInfo t;
    t.tid = rec.tid;
    t.parent_tid = rec.parent_tid;
    t.create_stack = rec.create_stack;
    t.end = static_cast<shimlog::ThreadEnd>(rec.end);
    t.is_main = rec.is_main != 0;
    t.start_routine = rec.start_routine;
    t.create_ticks = rec.create_ticks;
    t.start_ticks = rec.start_ticks;
    t.end_ticks = rec.end_ticks;
    t.cpu_ns = rec.cpu_ns;
    t.cpu_source = static_cast<shimlog::ThreadCpu>(rec.cpu_source);
    t.join_wait_ticks = rec.join_wait_ticks;
    t.joins = rec.joins;
    log.threads.push_back(t);
    return true;
}

void check_header(const LogBytes& bytes, const std::string& name) {
    shimlog::FileHeader header;
    if (bytes.size() == 0)
        throw LogError(name + ": the log is empty: the shim could not write even its header (a full disk, "
                              "a quota, or a process killed at its very start)");
    if (bytes.size() < sizeof header || memcmp(bytes.data(), shimlog::kMagic, sizeof shimlog::kMagic) != 0)
        throw LogError(name + ": not a shim log (bad magic)");
    memcpy(&header, bytes.data(), sizeof header);
    if (header.version > shimlog::kVersion)
        throw LogError(name + ": log format version " + std::to_string(header.version) +
                       " is newer than this analyzer reads (" + std::to_string(shimlog::kVersion) +
                       "); update the analyzer");
    if (header.version == 0) throw LogError(name + ": log format version 0 is invalid");
    if (header.endianness != shimlog::kLittleEndian || header.pointer_size != 8)
        throw LogError(name + ": log from an unsupported platform (endianness or pointer size)");
    if (header.header_size < sizeof header || header.header_size > bytes.size())
        throw LogError(name + ": corrupt header");
}

// Ticks to nanoseconds from the run's own (ticks, monotonic) pairs.
bool decode_clock(Payload p, Log& log) {
    shimlog::ClockRecord rec;
    if (!p.take(rec)) return false;
    log.clock_ns = rec.ns;
    log.clock_ticks = rec.ticks;
    return true;
}

// Cumulative: a later snapshot replaces the earlier one.
bool decode_alloc_counts(Payload p, Log& log) {
    shimlog::AllocCountsRecord rec;
    if (!p.take(rec) || rec.sample_bytes == 0) return false;
    std::map<uint32_t, std::pair<uint64_t, uint64_t>> counts;
    for (uint32_t i = 0; i < rec.entries; ++i) {
        shimlog::AllocCountEntry entry;
        if (!p.take(entry)) return false;  // entries is bounded by the record's checked size
        counts[entry.stack_id] = {entry.allocations, entry.bytes};
    }
    log.alloc_sample_bytes = rec.sample_bytes;
    log.alloc_counted_frees = rec.frees;
    log.alloc_counts = std::move(counts);
    return true;
}

// Kept in file order: unseen_io.h works out which replaces which.
bool decode_thread_kernel_io(Payload p, Log& log, std::string& why) {
    shimlog::ThreadKernelIoRecord rec;
    if (!p.take(rec)) return false;
    if (rec.status > static_cast<uint8_t>(shimlog::ThreadKernelIoStatus::NotAvailable)) {
        why = "unknown thread kernel I/O status " + std::to_string(rec.status);
        return false;
    }
    ThreadKernelIo t;
    t.tid = rec.tid;
    t.status = static_cast<shimlog::ThreadKernelIoStatus>(rec.status);
    t.threads_before = log.threads.size();
    t.read_calls = rec.read_calls, t.write_calls = rec.write_calls;
    t.read_bytes = rec.read_bytes, t.write_bytes = rec.write_bytes;
    t.own_read_calls = rec.own_read_calls, t.own_write_calls = rec.own_write_calls;
    t.own_read_bytes = rec.own_read_bytes, t.own_write_bytes = rec.own_write_bytes;
    t.hooked_read_calls = rec.hooked_read_calls, t.hooked_write_calls = rec.hooked_write_calls;
    t.hooked_read_bytes = rec.hooked_read_bytes, t.hooked_write_bytes = rec.hooked_write_bytes;
    log.thread_kernel_io.push_back(t);
    return true;
}

// Cumulative: a later snapshot replaces the earlier one.
bool decode_kernel_io(Payload p, Log& log) {
    shimlog::KernelIoRecord rec;
    if (!p.take(rec)) return false;
    log.kernel_io = {true,
                     rec.read_calls,
                     rec.write_calls,
                     rec.read_bytes,
                     rec.write_bytes,
                     rec.own_read_calls,
                     rec.own_write_calls,
                     rec.own_read_bytes,
                     rec.own_write_bytes};
    return true;
}

bool decode_shim_stats(Payload p, Log& log) {
    shimlog::ShimStatsRecord rec;
    if (!p.take(rec)) return false;
    log.alloc_events = rec.alloc_events;
    log.stack_checks = rec.stack_checks;
    log.stack_mismatches = rec.stack_mismatches;
    return true;
}

bool decode_note(Payload p, Log& log) {
    shimlog::NoteRecord rec;
    std::string text;
    if (!p.take(rec) || !p.take_string(rec.text_len, text)) return false;
    auto kind = static_cast<shimlog::NoteKind>(rec.kind);
    if (kind == shimlog::NoteKind::WaitsRecorded || kind == shimlog::NoteKind::WaitsNotRecorded) {
        // One per process image (an exec continues the log): an image that did
        // not record leaves the log's waits incomplete, so it decides.
        if (log.waits_recording != WaitsRecording::NotRecorded)
            log.waits_recording =
                kind == shimlog::NoteKind::WaitsRecorded ? WaitsRecording::Recorded : WaitsRecording::NotRecorded;
        return true;
    }
    if (log.notes.size() < 64) log.notes.emplace_back(static_cast<shimlog::NoteKind>(rec.kind), text);
    return true;
}

// From the End record, or else the last checkpoint's Clock record.
void calibrate(Log& log) {
    const EndInfo& end = log.end;
    uint64_t ns = end.present ? end.end_ns : log.clock_ns;
    uint64_t ticks = end.present ? end.end_ticks : log.clock_ticks;
    if (ticks > log.process.start_ticks && ns > log.process.start_ns) {
        double ns_per_tick = double(ns - log.process.start_ns) / double(ticks - log.process.start_ticks);
        // Any real timestamp counter ticks between 1 kHz and 1 THz; outside that
        // the record is corrupt and ticks stay unconverted.
        if (ns_per_tick >= 1e-3 && ns_per_tick <= 1e6) {
            log.ns_per_tick = ns_per_tick;
            log.ticks_calibrated = true;
        }
    }
    for (IoSite& site : log.io_sites) {
        site.time_ns = log.ticks_calibrated ? saturating_u64(site.time_ns * log.ns_per_tick) : 0;
        site.max_ns = log.ticks_calibrated ? saturating_u64(site.max_ns * log.ns_per_tick) : 0;
    }
}

void mark_partial(Log& log, const std::string& reason) {
    if (log.partial) return;
    log.partial = true;
    log.partial_reason = reason;
}

}  // namespace

Log decode_log(std::shared_ptr<const LogBytes> file, const std::string& name) {
    const LogBytes& bytes = *file;
    check_header(bytes, name);
    Log log;
    log.path = name;
    log.bytes = std::move(file);
    shimlog::FileHeader header;
    memcpy(&header, bytes.data(), sizeof header);
    IoSiteIndex io_index;
    bool has_process = false;
    size_t pos = header.header_size;
    constexpr size_t kReleaseEvery = 64u << 20;
    size_t released = 0;
    while (pos < bytes.size()) {
        shimlog::RecordHeader rh;
        if (bytes.size() - pos < sizeof rh) {
            mark_partial(log, "truncated inside a record header at byte " + std::to_string(pos));
            break;
        }
        memcpy(&rh, bytes.data() + pos, sizeof rh);
        if (rh.size > shimlog::kMaxRecordSize || bytes.size() - pos - sizeof rh < rh.size) {
            mark_partial(log, "truncated or corrupt record at byte " + std::to_string(pos));
            break;
        }
        Payload payload(bytes.data() + pos + sizeof rh, rh.size);
        bool ok = true;
        std::string why;  // what was wrong, when a decoder can say
        switch (static_cast<RecordType>(rh.type)) {
            case RecordType::Process: ok = decode_process(payload, log); has_process = has_process || ok; break;
            case RecordType::Module: ok = decode_module(payload, log); break;
            case RecordType::Stack: ok = decode_stack(payload, log); break;
            case RecordType::File: ok = decode_file(payload, log); break;
            case RecordType::IoSite: ok = decode_io_site(payload, log, io_index); break;
            case RecordType::End: ok = decode_end(payload, log); break;
            case RecordType::Window: ok = decode_window(payload, log); break;
            case RecordType::Budget: ok = decode_budget(payload, log); break;
            case RecordType::LiveBlocks:
                ok = decode_live_blocks(payload.rest(), payload.rest_size(), log.live_at_start, why);
                break;
            case RecordType::Clock: ok = decode_clock(payload, log); break;
            case RecordType::Note: ok = decode_note(payload, log); break;
            case RecordType::ShimStats: ok = decode_shim_stats(payload, log); break;
            case RecordType::AllocCounts: ok = decode_alloc_counts(payload, log); break;
            case RecordType::KernelIo: ok = decode_kernel_io(payload, log); break;
            case RecordType::ThreadKernelIo: ok = decode_thread_kernel_io(payload, log, why); break;
            case RecordType::AllocChunk: ok = decode_alloc_chunk(payload, log, why); break;
            case RecordType::Thread: ok = decode_thread(payload, log, why); break;
            case RecordType::ExitScan: ok = decode_exit_scan(payload, log, why); break;
            case RecordType::SampleChunk:
                ok = decode_sample_chunk(payload.rest(), payload.rest_size(), log.samples, why);
                break;
            case RecordType::CpuSamples:
                ok = decode_cpu_samples(payload.rest(), payload.rest_size(), log.cpu, why);
                break;
            case RecordType::WaitSite: ok = decode_wait_site(payload.rest(), payload.rest_size(), log.waits, why); break;
            case RecordType::LockHolder:
                ok = decode_lock_holder(payload.rest(), payload.rest_size(), log.waits, why);
                break;
            case RecordType::WaitChunk: ok = decode_wait_chunk(payload.rest(), payload.rest_size(), log.waits, why); break;
            default: log.unknown_records++; break;
        }
        if (!ok) {
            mark_partial(log, "malformed record (type " + std::to_string(rh.type) + ") at byte " + std::to_string(pos) +
                                  (why.empty() ? "" : ": " + why));
            break;
        }
        // An End followed by more records: the exec it announced failed and
        // the program went on; only a final End makes the log complete.
        if (static_cast<RecordType>(rh.type) != RecordType::End) log.end.present = false;
        log.records++;
        pos += sizeof rh + rh.size;
        // Everything decoded so far is copied into the model (chunk bodies
        // are read again later): the pages go, so memory stays flat.
        if (pos - released >= kReleaseEvery) {
            bytes.release(bytes.data(), pos);
            released = pos;
        }
    }
    if (!has_process) throw LogError(name + ": not a usable log (no process record; truncated at the start?)");
    if (!log.end.present) mark_partial(log, "the log has no end record (the program crashed, was killed or is still running, or the shim could not write to it)");
    calibrate(log);
    finish_waits(log);
    read_semaphore_locks(log);
    estimate_unread_thread_cpu(log);
    return log;
}

Log decode_log(const std::string& bytes, const std::string& name) { return decode_log(LogBytes::copy_of(bytes), name); }

Log decode_log_file(const std::string& path) { return decode_log(LogBytes::open_file(path), path); }

}  // namespace analyzer
