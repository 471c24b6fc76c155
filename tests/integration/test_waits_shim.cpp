// The shim's waits hooks (issue 15): every case of waits_cases behaves the
// same bare and shimmed (output, exit code, the errors and errno it prints),
// and the log's wait records hold exact counts where the program's are known.
// The records are read here from the raw log (format/log_format.h); the
// analyzer's own decoder of them is written separately.
#include <catch2/catch.hpp>

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "../../format/log_format.h"
#include "harness.h"

using namespace harness;
using shimlog::WaitKind;

namespace {

struct WaitRecords {
    std::map<std::tuple<uint64_t, uint8_t, uint32_t>, shimlog::WaitSiteRecord> sites;  // newest replaces older
    std::map<std::pair<uint64_t, uint32_t>, shimlog::LockHolderRecord> holders;
    std::map<uint32_t, std::vector<uint64_t>> stacks;
    uint64_t chunk_events = 0, chunk_dropped = 0;
    std::map<uint64_t, uint64_t> chunk_events_by_object;
    bool ended = false;
};

bool read_varint(const uint8_t*& p, const uint8_t* end, uint64_t& value) {
    value = 0;
    for (int shift = 0; p < end && shift < 64; shift += 7) {
        uint8_t byte = *p++;
        value |= uint64_t(byte & 0x7f) << shift;
        if (!(byte & 0x80)) return true;
    }
    return false;
}

WaitRecords read_waits(const std::string& path) {
    std::string bytes = read_file(path);
    WaitRecords out;
    REQUIRE(bytes.size() >= sizeof(shimlog::FileHeader));
    shimlog::FileHeader header;
    memcpy(&header, bytes.data(), sizeof header);
    REQUIRE(memcmp(header.magic, shimlog::kMagic, sizeof header.magic) == 0);
    size_t at = header.header_size;
    while (at + sizeof(shimlog::RecordHeader) <= bytes.size()) {
        shimlog::RecordHeader rh;
        memcpy(&rh, bytes.data() + at, sizeof rh);
        at += sizeof rh;
        REQUIRE(at + rh.size <= bytes.size());
        const char* p = bytes.data() + at;
        switch (static_cast<shimlog::RecordType>(rh.type)) {
        case shimlog::RecordType::WaitSite: {
            shimlog::WaitSiteRecord r;
            REQUIRE(rh.size == sizeof r);
            memcpy(&r, p, sizeof r);
            out.sites[{r.object, r.kind, r.stack_id}] = r;
            break;
        }
        case shimlog::RecordType::LockHolder: {
            shimlog::LockHolderRecord r;
            REQUIRE(rh.size == sizeof r);
            memcpy(&r, p, sizeof r);
            out.holders[{r.object, r.stack_id}] = r;
            break;
        }
        case shimlog::RecordType::Stack: {
            shimlog::StackRecord r;
            memcpy(&r, p, sizeof r);
            std::vector<uint64_t> frames(r.depth);
            memcpy(frames.data(), p + sizeof r, r.depth * sizeof(uint64_t));
            out.stacks[r.id] = frames;
            break;
        }
        case shimlog::RecordType::WaitChunk: {
            shimlog::WaitChunkRecord r;
            memcpy(&r, p, sizeof r);
            REQUIRE(sizeof r + r.raw_size == rh.size);
            const uint8_t* q = reinterpret_cast<const uint8_t*>(p) + sizeof r;
            const uint8_t* end = q + r.raw_size;
            for (uint32_t i = 0; i < r.count; ++i) {
                uint64_t delta, length, stack, object;
                REQUIRE(read_varint(q, end, delta));
                REQUIRE(read_varint(q, end, length));
                REQUIRE(read_varint(q, end, stack));
                REQUIRE(read_varint(q, end, object));
                REQUIRE(q + 2 <= end);
                q += 2;
                out.chunk_events_by_object[object]++;
            }
            REQUIRE(q == end);
            out.chunk_events += r.count;
            out.chunk_dropped += r.dropped;
            break;
        }
        case shimlog::RecordType::End:
            out.ended = true;
            break;
        default:
            break;
        }
        at += rh.size;
    }
    return out;
}

// Totals over the wait stacks of one kind (and object, when given).
shimlog::WaitSiteRecord total_of(const WaitRecords& w, WaitKind kind, uint64_t object = 0) {
    shimlog::WaitSiteRecord sum{};
    for (const auto& [key, r] : w.sites) {
        if (r.kind != uint8_t(kind) || (object != 0 && r.object != object)) continue;
        sum.waits += r.waits;
        sum.timeouts += r.timeouts;
        sum.wait_ticks += r.wait_ticks;
        sum.threads += r.threads;
    }
    return sum;
}

// Runs one case bare and shimmed; both must print and exit the same.
WaitRecords same_as_bare(const std::string& dir, const std::string& args, const std::string& env = "") {
    std::string program = "timeout 60 setarch -R " + program_path("waits_cases") + " " + args;
    Result bare = run(program, dir);
    Result shimmed = run(env + preload() + program, dir);
    INFO(args << ": bare " << bare.out << bare.err << " shimmed " << shimmed.out << shimmed.err);
    REQUIRE(bare.status == 0);
    CHECK(shimmed.status == bare.status);
    CHECK(shimmed.out == bare.out);
    CHECK(shimmed.err == bare.err);
    WaitRecords w = read_waits(dir + "/log.bin");
    CHECK(w.ended);
    return w;
}

}  // namespace

TEST_CASE("waits hooks: every case returns what the bare call returns", "[waits][integration]") {
    std::string dir = scratch_dir("waits_same_as_bare");
    for (const char* mode : {"static", "recursive", "robust", "errorcheck", "rwlock", "cancel"}) same_as_bare(dir, mode);
}

TEST_CASE("waits: a timed lock that gives up is a wait that timed out", "[waits][integration]") {
    WaitRecords w = same_as_bare(scratch_dir("waits_timedlock"), "timedlock");
    shimlog::WaitSiteRecord mutex = total_of(w, WaitKind::Mutex);
    CHECK(mutex.timeouts == 1);  // the 20 ms deadline; the bad one is EINVAL, not a wait
    CHECK(mutex.waits >= 1);
}

TEST_CASE("waits: a condition-variable pool's waits are conditions, each call one", "[waits][integration]") {
    WaitRecords w = same_as_bare(scratch_dir("waits_condpool"), "condpool");
    shimlog::WaitSiteRecord cond = total_of(w, WaitKind::Condition);
    CHECK(cond.waits >= 1);
    CHECK(cond.timeouts == 1);  // the timedwait with a past deadline
    CHECK(cond.threads >= 2);
}

TEST_CASE("waits: sem_wait at 0 is a wait; the count's own errors are not", "[waits][integration]") {
    WaitRecords w = same_as_bare(scratch_dir("waits_sem"), "sem");
    shimlog::WaitSiteRecord sem = total_of(w, WaitKind::Semaphore);
    CHECK(sem.waits >= 2);     // at least the first wait and the timed one
    CHECK(sem.waits <= 101);   // never more than the calls that could block
    CHECK(sem.timeouts == 1);  // the past deadline; the invalid one is EINVAL, not tried
}

TEST_CASE("waits: every barrier call is a wait", "[waits][integration]") {
    WaitRecords w = same_as_bare(scratch_dir("waits_barrier"), "barrier");
    shimlog::WaitSiteRecord barrier = total_of(w, WaitKind::Barrier);
    CHECK(barrier.waits == 150);  // 3 threads, 50 rounds
    CHECK(barrier.threads == 3);
    CHECK(w.chunk_events_by_object.size() >= 1);
}

TEST_CASE("waits: N handshaken contended waits are N waits and N releases at the holder's unlock", "[waits][integration]") {
    const int rounds = 200;
    std::string dir = scratch_dir("waits_handshake");
    WaitRecords w = same_as_bare(dir, "handshake " + std::to_string(rounds));
    unsigned long long mutex = 0, releaser = 0;
    Result printed = run("timeout 60 setarch -R " + program_path("waits_cases") + " handshake 1", dir);
    REQUIRE(sscanf(printed.out.c_str(), "handshake 1 rounds mutex %llx releaser %llx", &mutex, &releaser) == 2);

    shimlog::WaitSiteRecord waits = total_of(w, WaitKind::Mutex, mutex);
    CHECK(waits.waits == uint64_t(rounds));
    CHECK(waits.threads == 1);
    CHECK(waits.timeouts == 0);
    CHECK(w.chunk_events_by_object[mutex] == uint64_t(rounds));
    CHECK(w.chunk_dropped == 0);

    uint64_t releases = 0, at_releaser = 0, timed = 0;
    for (const auto& [key, r] : w.holders) {
        if (r.object != mutex) continue;
        releases += r.releases;
        timed += r.timed_holds;
        auto stack = w.stacks.find(r.stack_id);
        REQUIRE(stack != w.stacks.end());
        REQUIRE(!stack->second.empty());
        uint64_t innermost = stack->second[0];
        if (innermost > releaser && innermost < releaser + 64) at_releaser += r.releases;
    }
    CHECK(releases == uint64_t(rounds));
    CHECK(at_releaser == uint64_t(rounds));
    CHECK(timed == 0);  // the holder never waited for the mutex it released
}

TEST_CASE("waits: SHIM_WAITS=0 records none", "[waits][integration]") {
    WaitRecords w = same_as_bare(scratch_dir("waits_off"), "handshake 20", "SHIM_WAITS=0 ");
    CHECK(w.sites.empty());
    CHECK(w.holders.empty());
    CHECK(w.chunk_events == 0);
}
