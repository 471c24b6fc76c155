// The disk budget. See budget.h. Its state changes under the file lock (the
// writer's), and is read there too, but for budget_stopped.
#include "budget.h"

#include <atomic>
#include <cstring>

#include "../../format/log_format.h"
#include "../clock.h"
#include "../settings.h"
#include "log_file.h"

namespace shim {
namespace {

using shimlog::RecordType;

// As SHIM_ALLOC_SAMPLE=524288 (README: a tenth of the log, a few % of the cost).
constexpr uint64_t kBudgetSampleBytes = 512 * 1024;

shimlog::BudgetRecord g_budget{};  // limit_bytes 0: no budget
std::atomic<bool> g_stopped{false};
uint64_t g_largest_event_record = 0;  // in this window: a thread's chunk, compressed
uint64_t g_chunk_raw = 0, g_chunk_packed = 0;  // this window's written AllocChunks: how well they compress
bool g_limit_read = false;
BudgetRecorder g_recorder{};

uint64_t limit() {
    if (!g_limit_read) {
        g_budget.limit_bytes = setting_max_log_bytes();
        g_limit_read = true;
    }
    return g_budget.limit_bytes;
}

// The threads' pending events as they will be written: compressed as this
// window's chunks were (a third, before the first).
uint64_t pending_estimate() {
    if (g_recorder.pending_bytes == nullptr) return 0;
    uint64_t raw = g_recorder.pending_bytes();
    return g_chunk_raw == 0 ? raw / 3 : uint64_t(double(raw) * double(g_chunk_packed) / double(g_chunk_raw));
}

bool take_chunk_header(std::initializer_list<Bytes> parts, shimlog::AllocChunkRecord* chunk) {
    if (parts.size() == 0 || parts.begin()->size < sizeof *chunk) return false;
    memcpy(chunk, parts.begin()->data, sizeof *chunk);
    return true;
}

bool is_event_record(RecordType type) {
    return type == RecordType::AllocChunk || type == RecordType::CpuSamples || type == RecordType::WaitChunk ||
           type == RecordType::SampleChunk;
}

// Sampling from now on, unless the user's mode sampled all along.
void begin_sampling(uint64_t log_bytes) {
    if (g_budget.sampling_bytes != 0 || g_recorder.sampling_on == nullptr || g_recorder.sampling_on()) return;
    g_budget.sampling_seq = g_recorder.sequence_now();
    g_recorder.sampling_begin(kBudgetSampleBytes);
    g_budget.sampling_bytes = log_bytes;
    g_budget.sampling_ns = monotonic_ns();
}

void stop(uint64_t log_bytes) {
    begin_sampling(log_bytes);  // the counts stay exact from here on
    g_budget.stopped_bytes = log_bytes;
    g_budget.stopped_ns = monotonic_ns();
    g_stopped.store(true, std::memory_order_relaxed);
}

}  // namespace

void budget_connect(const BudgetRecorder& recorder) { g_recorder = recorder; }

void budget_window_start() {
    uint64_t kept = limit();
    if (g_budget.sampling_bytes != 0 && g_recorder.sampling_restore != nullptr) g_recorder.sampling_restore();
    g_budget = shimlog::BudgetRecord{};
    g_budget.limit_bytes = kept;
    g_largest_event_record = 0;
    g_chunk_raw = g_chunk_packed = 0;
    g_stopped.store(false, std::memory_order_relaxed);
}

bool budget_refuses(RecordType type, std::initializer_list<Bytes> parts) {
    if (limit() == 0 || !is_event_record(type)) return false;
    uint64_t payload = record_payload_size(parts);
    shimlog::AllocChunkRecord chunk;
    bool alloc = type == RecordType::AllocChunk && take_chunk_header(parts, &chunk);
    if (!g_stopped.load(std::memory_order_relaxed)) {
        uint64_t after = g_log.bytes + sizeof(shimlog::RecordHeader) + payload;
        if (after <= g_budget.limit_bytes) {
            if (payload > g_largest_event_record) g_largest_event_record = payload;
            if (alloc) g_chunk_raw += chunk.raw_size, g_chunk_packed += payload;
            return false;
        }
        stop(g_log.bytes);
    }
    g_budget.records_unwritten++;
    g_budget.bytes_unwritten += payload;
    if (alloc) {
        g_budget.alloc_events_unwritten += chunk.event_count;
        // Begun before the switch: its allocations may be in no count.
        if (chunk.first_seq < g_budget.sampling_seq) g_budget.alloc_exact_unwritten += chunk.event_count;
    }
    return true;
}

void budget_after_write(uint64_t log_bytes) {
    if (limit() == 0 || g_stopped.load(std::memory_order_relaxed)) return;
    // A chunk may be a large part of a small budget: sampling begins when
    // one more chunk like the largest so far, or the exact events the threads
    // hold (written later, whole), would take the log to 3/4: the events
    // recorded before the switch then still fit, and the counts stay exact.
    uint64_t pending = pending_estimate();
    uint64_t ahead = g_largest_event_record > pending ? g_largest_event_record : pending;
    if (log_bytes + ahead >= g_budget.limit_bytes / 4 * 3) begin_sampling(log_bytes);
}

bool budget_stopped() { return g_stopped.load(std::memory_order_relaxed); }

void budget_write_record() {
    if (limit() == 0) return;
    sink_record(RecordType::Budget, {{&g_budget, sizeof g_budget}});
}

}  // namespace shim
