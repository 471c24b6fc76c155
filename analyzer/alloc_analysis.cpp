#include "alloc_analysis.h"

#include <functional>
#include <queue>
#include <unordered_map>
#include <vector>

#include "alloc_chunk_reader.h"
#include "run_clock.h"

namespace analyzer {
namespace {

// One chunk's reader and its next event, for the k-way merge.
struct Cursor {
    explicit Cursor(const AllocChunk& c) : chunk(&c), reader(c) {}
    const AllocChunk* chunk;
    AllocChunkReader reader;
    AllocEvent event;
};

struct LiveBlock {
    uint32_t stack_id;
    uint64_t size;
};

// What the replay keeps between events.
class Replay {
public:
    Replay(AllocReport& report, uint64_t sample_bytes) : report_(report), sample_bytes_(sample_bytes) {}

    void apply(uint32_t tid, const AllocEvent& event) {
        if (seen_any_ && event.seq <= last_seq_) report_.out_of_order++;
        seen_any_ = true;
        last_seq_ = event.seq;
        auto thread = threads_.emplace(tid, ThreadState{});
        if (thread.second) report_.threads++;
        if (event.is_alloc)
            allocate(thread.first->second, event);
        else
            release(thread.first->second, event);
    }

    // Whatever is still allocated now was never freed.
    void finish() {
        for (const auto& entry : live_) {
            AllocStackStats& stack = report_.stacks[entry.second.stack_id];
            uint64_t blocks = represented_blocks(entry.second.size);
            stack.leaked += blocks;
            stack.leaked_bytes += represented_bytes(entry.second.size);
            report_.live_allocations += blocks;
            report_.live_bytes += represented_bytes(entry.second.size);
        }
    }

private:
    // The thread's latest allocation, until the thread allocates again.
    struct ThreadState {
        bool pending = false;
        uint64_t last_ptr = 0;
    };

    // A sampled block of s bytes stands for max(1, N/s) blocks, max(s, N) bytes.
    uint64_t represented_blocks(uint64_t size) const {
        return sample_bytes_ == 0 || size >= sample_bytes_ ? 1 : sample_bytes_ / (size ? size : 1);
    }
    uint64_t represented_bytes(uint64_t size) const { return size > sample_bytes_ ? size : sample_bytes_; }

    void allocate(ThreadState& thread, const AllocEvent& event) {
        auto found = live_.find(event.ptr);
        if (found != live_.end()) {  // its free went unrecorded (dropped events)
            report_.lost_frees++;
            heap_bytes_ -= represented_bytes(found->second.size);
            found->second = {event.stack_id, event.size};
        } else {
            live_.emplace(event.ptr, LiveBlock{event.stack_id, event.size});
        }
        report_.allocations++;
        report_.bytes += event.size;
        heap_bytes_ += represented_bytes(event.size);
        if (heap_bytes_ > report_.peak_bytes) {
            report_.peak_bytes = heap_bytes_;
            report_.peak_ticks = event.ticks;
        }
        AllocStackStats& stack = report_.stacks[event.stack_id];
        stack.stack_id = event.stack_id;
        if (stack.allocations == 0 || event.size < stack.min_size) stack.min_size = event.size;
        if (event.size > stack.max_size) stack.max_size = event.size;
        stack.allocations++;
        stack.bytes += event.size;
        auto size = stack.sizes.find(event.size);
        if (size != stack.sizes.end())
            size->second++;
        else if (stack.sizes.size() < kMaxDistinctSizes)
            stack.sizes.emplace(event.size, 1);
        thread.pending = true;
        thread.last_ptr = event.ptr;
    }

    void release(ThreadState& thread, const AllocEvent& event) {
        report_.frees++;
        auto found = live_.find(event.ptr);
        if (found == live_.end()) {
            report_.unknown_frees++;
            return;
        }
        heap_bytes_ -= represented_bytes(found->second.size);
        if (thread.pending && thread.last_ptr == event.ptr) {
            report_.temporary++;
            report_.stacks[found->second.stack_id].temporary++;
            thread.pending = false;
        }
        live_.erase(found);
    }

    AllocReport& report_;
    uint64_t sample_bytes_;  // 0: not sampled
    std::unordered_map<uint64_t, LiveBlock> live_;  // by pointer
    std::unordered_map<uint32_t, ThreadState> threads_;
    uint64_t heap_bytes_ = 0;
    uint64_t last_seq_ = 0;
    bool seen_any_ = false;
};

// Sampling mode: the exact counts replace the sampled ones.
void apply_exact_counts(const Log& log, AllocReport& report) {
    report.sample_bytes = log.alloc_sample_bytes;
    report.allocations = report.bytes = report.temporary = 0;
    report.frees = log.alloc_counted_frees;
    for (auto& entry : report.stacks) {
        entry.second.allocations = entry.second.bytes = entry.second.temporary = 0;
    }
    for (const auto& count : log.alloc_counts) {
        AllocStackStats& stack = report.stacks[count.first];
        stack.stack_id = count.first;
        stack.allocations = count.second.first;
        stack.bytes = count.second.second;
        if (stack.sizes.empty() && stack.allocations > 0) {  // never sampled: only the average is known
            uint64_t average = stack.bytes / stack.allocations;
            stack.min_size = stack.max_size = average;
            stack.sizes[average] = stack.allocations;
        }
        report.allocations += stack.allocations;
        report.bytes += stack.bytes;
    }
    report.unknown_frees = 0;  // frees of unsampled blocks are not recorded at all
}

}  // namespace

uint64_t most_common_size(const std::map<uint64_t, uint64_t>& sizes) {
    uint64_t best = 0, best_count = 0;
    for (const auto& entry : sizes)
        if (entry.second > best_count) best = entry.first, best_count = entry.second;
    return best;
}

AllocReport analyze_allocations(const Log& log) {
    AllocReport report;
    std::vector<Cursor> cursors;
    cursors.reserve(log.alloc_chunks.size());
    for (const AllocChunk& chunk : log.alloc_chunks) cursors.emplace_back(chunk);

    // Min-heap of (next sequence number, cursor): each chunk is one thread's
    // events in order, so merging the chunks' heads replays the program's order.
    using Head = std::pair<uint64_t, size_t>;
    std::priority_queue<Head, std::vector<Head>, std::greater<Head>> heads;
    auto advance = [&](size_t i) {
        Cursor& cursor = cursors[i];
        if (cursor.reader.next(cursor.event))
            heads.emplace(cursor.event.seq, i);
        else if (cursor.reader.failed() && report.problem.empty())
            report.problem = cursor.reader.error();
    };
    for (size_t i = 0; i < cursors.size(); ++i) advance(i);

    Replay replay(report, log.alloc_sample_bytes);
    while (!heads.empty()) {
        size_t i = heads.top().second;
        heads.pop();
        replay.apply(cursors[i].event.tid, cursors[i].event);
        advance(i);
    }
    replay.finish();
    if (log.alloc_sample_bytes != 0) apply_exact_counts(log, report);
    return report;
}

double seconds_since_start(const Log& log, uint64_t ticks) {
    if (!log.ticks_calibrated) return -1;
    return run_ns_from_ticks(log, ticks) / 1e9;
}

}  // namespace analyzer
