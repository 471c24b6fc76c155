#include "wait_records_reader.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <tuple>

#include "../model/saturate.h"

namespace analyzer {
namespace {

bool fail(std::string& why, const char* what, std::string reason) {
    why = std::string(what) + ": " + std::move(reason);
    return false;
}

bool known_kind(uint8_t kind) { return kind <= static_cast<uint8_t>(shimlog::WaitKind::Spin); }

// The shortest wait: four one-byte varints, the kind and the flags.
constexpr uint32_t kMinWaitBytes = 6;

bool read_waits(const shimlog::WaitChunkRecord& rec, const uint8_t* in, const uint8_t* end,
                std::vector<WaitEvent>& out, std::string& why) {
    uint64_t ticks = rec.first_ticks;
    for (uint32_t i = 0; i < rec.count; ++i) {
        uint64_t delta = 0, length = 0, stack = 0, object = 0;
        if (!shimlog::get_varint(&in, end, &delta) || !shimlog::get_varint(&in, end, &length) ||
            !shimlog::get_varint(&in, end, &stack) || !shimlog::get_varint(&in, end, &object) || end - in < 2)
            return fail(why, "wait chunk", "wait " + std::to_string(i) + " of " + std::to_string(rec.count) +
                                                " is cut short");
        uint8_t kind = *in++, flags = *in++;
        if (delta > UINT64_MAX - ticks) return fail(why, "wait chunk", "its clock overflows");
        if (stack > UINT32_MAX) return fail(why, "wait chunk", "a stack id out of range");
        if (!known_kind(kind)) return fail(why, "wait chunk", "a wait of unknown kind " + std::to_string(kind));
        if (flags & ~uint8_t(shimlog::WaitTimedOut))
            return fail(why, "wait chunk", "unknown wait flags " + std::to_string(flags));
        ticks += delta;
        WaitEvent e;
        e.tid = rec.tid;
        e.start_ticks = ticks;
        e.length_ns = length;  // ticks until finish_waits
        e.stack_id = static_cast<uint32_t>(stack);
        e.object = object;
        e.kind = static_cast<shimlog::WaitKind>(kind);
        e.timed_out = flags & shimlog::WaitTimedOut;
        out.push_back(e);
    }
    if (in != end) return fail(why, "wait chunk", "bytes left after its last wait");
    return true;
}

uint64_t to_ns(const Log& log, uint64_t ticks) {
    return log.ticks_calibrated ? saturating_u64(double(ticks) * log.ns_per_tick) : 0;
}

// Keeps, for each key, the record that came last in the file, in the order
// the keys first appeared.
template <class T, class Key>
void keep_newest(std::vector<T>& records, Key key) {
    std::map<decltype(key(records.front())), size_t> newest;
    for (size_t i = 0; i < records.size(); ++i) newest[key(records[i])] = i;
    std::vector<T> kept;
    kept.reserve(newest.size());
    for (size_t i = 0; i < records.size(); ++i)
        if (newest[key(records[i])] == i) kept.push_back(records[i]);
    records.swap(kept);
}

}  // namespace

bool decode_wait_site(const char* payload, size_t size, Waits& waits, std::string& why) {
    shimlog::WaitSiteRecord rec;
    if (size != sizeof rec) return fail(why, "wait site", "its size is not a wait site's");
    memcpy(&rec, payload, sizeof rec);
    if (!known_kind(rec.kind)) return fail(why, "wait site", "unknown wait kind " + std::to_string(rec.kind));
    if (rec.timeouts > rec.waits) return fail(why, "wait site", "more timeouts than waits");
    if (rec.max_ticks > rec.wait_ticks) return fail(why, "wait site", "its longest wait exceeds their total");
    WaitSite s;
    s.object = rec.object;
    s.kind = static_cast<shimlog::WaitKind>(rec.kind);
    s.stack_id = rec.stack_id;
    s.waits = rec.waits;
    s.timeouts = rec.timeouts;
    s.wait_ns = rec.wait_ticks;  // ticks until finish_waits
    s.max_ns = rec.max_ticks;
    s.threads = rec.threads;
    waits.sites.push_back(s);
    return true;
}

bool decode_lock_holder(const char* payload, size_t size, Waits& waits, std::string& why) {
    shimlog::LockHolderRecord rec;
    if (size != sizeof rec) return fail(why, "lock holder", "its size is not a lock holder's");
    memcpy(&rec, payload, sizeof rec);
    if (rec.timed_holds > rec.releases) return fail(why, "lock holder", "more timed holds than releases");
    if (rec.max_hold_ticks > rec.hold_ticks) return fail(why, "lock holder", "its longest hold exceeds their total");
    LockHolder h;
    h.object = rec.object;
    h.stack_id = rec.stack_id;
    h.releases = rec.releases;
    h.delay_ns = rec.delay_ticks;  // ticks until finish_waits
    h.timed_holds = rec.timed_holds;
    h.hold_ns = rec.hold_ticks;
    h.max_hold_ns = rec.max_hold_ticks;
    waits.holders.push_back(h);
    return true;
}

bool decode_wait_chunk(const char* payload, size_t size, Waits& waits, std::string& why) {
    shimlog::WaitChunkRecord rec;
    if (size < sizeof rec) return fail(why, "wait chunk", "shorter than its header");
    memcpy(&rec, payload, sizeof rec);
    if (rec.raw_size != size - sizeof rec) return fail(why, "wait chunk", "its size does not match its waits' bytes");
    if (rec.raw_size > shimlog::kMaxChunkRawSize)
        return fail(why, "wait chunk", "larger than " + std::to_string(shimlog::kMaxChunkRawSize) + " bytes");
    if (rec.count > rec.raw_size / kMinWaitBytes) return fail(why, "wait chunk", "it counts more waits than fit");
    std::vector<WaitEvent> read;
    read.reserve(rec.count);
    const uint8_t* in = reinterpret_cast<const uint8_t*>(payload + sizeof rec);
    if (!read_waits(rec, in, in + rec.raw_size, read, why)) return false;
    waits.events.insert(waits.events.end(), read.begin(), read.end());
    waits.dropped_events += rec.dropped;
    return true;
}

void finish_waits(Log& log) {
    Waits& w = log.waits;
    if (!w.sites.empty())
        keep_newest(w.sites, [](const WaitSite& s) { return std::make_tuple(s.object, uint8_t(s.kind), s.stack_id); });
    if (!w.holders.empty())
        keep_newest(w.holders, [](const LockHolder& h) { return std::make_pair(h.object, h.stack_id); });
    for (WaitSite& s : w.sites) s.wait_ns = to_ns(log, s.wait_ns), s.max_ns = to_ns(log, s.max_ns);
    for (LockHolder& h : w.holders) {
        h.delay_ns = to_ns(log, h.delay_ns);
        h.hold_ns = to_ns(log, h.hold_ns);
        h.max_hold_ns = to_ns(log, h.max_hold_ns);
    }
    for (WaitEvent& e : w.events) e.length_ns = to_ns(log, e.length_ns);
}

}  // namespace analyzer
