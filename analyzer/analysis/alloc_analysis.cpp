#include "alloc_analysis.h"

#include <algorithm>
#include <array>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "../decode/alloc_chunk_reader.h"
#include "../decode/chunk_prefetch.h"
#include "../decode/log_bytes.h"
#include "flat_map.h"
#include "../model/time_axis.h"

namespace analyzer {
namespace {

// (next sequence number, chunk index) of the opened chunks, smallest first: a
// binary min-heap whose top is re-keyed in place after each run of its
// events (one sift down instead of a pop and a push).
using Head = std::pair<uint64_t, size_t>;
class Heads {
public:
    bool empty() const { return heap_.empty(); }
    const Head& top() const { return heap_[0]; }
    // The smallest sequence number below the top: where the top's run stops.
    uint64_t next_seq() const {
        uint64_t next = UINT64_MAX;
        for (size_t child = 1; child <= 2 && child < heap_.size(); ++child) next = std::min(next, heap_[child].first);
        return next;
    }
    void push(Head head) {
        heap_.push_back(head);
        std::push_heap(heap_.begin(), heap_.end(), std::greater<Head>());
    }
    void pop() {
        std::pop_heap(heap_.begin(), heap_.end(), std::greater<Head>());
        heap_.pop_back();
    }
    void rekey_top(uint64_t seq) {
        heap_[0].first = seq;
        for (size_t at = 0, size = heap_.size();;) {
            size_t least = at;
            for (size_t child = 2 * at + 1; child <= 2 * at + 2 && child < size; ++child)
                if (heap_[child] < heap_[least]) least = child;
            if (least == at) return;
            std::swap(heap_[at], heap_[least]);
            at = least;
        }
    }

private:
    std::vector<Head> heap_;
};

struct LiveBlock {
    uint32_t stack_id;
    bool sampled;  // stands for more blocks (represented_*); in the padding
    uint64_t size;
    bool before_window = false;  // listed live at the window's start
};

// One chunk in the k-way merge: unpacked only when the merge reaches its
// first sequence number, released when read to the end, so the chunks held
// at once are those of the threads allocating at the same time.
struct Cursor {
    explicit Cursor(const AllocChunk& c) : chunk(&c) {}
    const AllocChunk* chunk;
    std::unique_ptr<AllocChunkReader> reader;
    bool done = false;
    AllocEvent event;
};

// Gives the log's pages back as the merge finishes chunks (cursors are in
// file order): a chunk's own pages when it ends, and every 16 MiB all pages
// before the earliest unfinished chunk, which the kernel may have mapped
// again around later reads. Memory stays flat however long the log.
class PageReleaser {
public:
    PageReleaser(const Log& log, std::vector<Cursor>& cursors) : bytes_(log.bytes.get()), cursors_(cursors) {}

    void finished(Cursor& cursor) {
        cursor.done = true;
        if (bytes_ == nullptr) return;
        bytes_->release(cursor.chunk->body, cursor.chunk->body_size);
        while (earliest_ < cursors_.size() && cursors_[earliest_].done) earliest_++;
        const char* low = earliest_ < cursors_.size() ? cursors_[earliest_].chunk->body : bytes_->data() + bytes_->size();
        if (size_t(low - bytes_->data()) >= released_ + kEvery) {
            released_ = size_t(low - bytes_->data());
            bytes_->release(bytes_->data(), released_);
        }
    }

private:
    static constexpr size_t kEvery = 16u << 20;
    const LogBytes* bytes_;
    std::vector<Cursor>& cursors_;
    size_t earliest_ = 0;
    size_t released_ = 0;
};

// What the replay keeps between events.
class Replay {
public:
    // Events from sampled_from_seq on are samples (a disk budget's switch,
    // BudgetInfo); 0: all of them, when sample_bytes is set.
    Replay(AllocReport& report, uint64_t sample_bytes, uint64_t sampled_from_seq)
        : report_(report), sample_bytes_(sample_bytes), sampled_from_(sampled_from_seq) {}

    // Before the budget's switch every allocation was an event: their counts
    // per stack, and the frees, to add to the exact counts kept after it.
    std::map<uint32_t, std::pair<uint64_t, uint64_t>> exact_counts() {
        std::map<uint32_t, std::pair<uint64_t, uint64_t>> counts;
        stack_index_.for_each([&counts](uint64_t id, const StackEntry& entry) {
            if (entry.exact_allocations > 0)
                counts[uint32_t(id)] = {entry.exact_allocations, entry.exact_bytes};
        });
        return counts;
    }
    uint64_t exact_frees() const { return exact_frees_; }

    // A window's start: the blocks live then, before any event. The peak
    // counts from their bytes, at the window's start.
    void start_with(const LiveAtStart& live, uint64_t start_ticks) {
        report_.start_known = true;
        for (const shimlog::LiveBlockEntry& b : live.blocks) {
            if (live_.find(b.address) != nullptr) continue;  // listed twice: the shim never does
            live_.insert(b.address, LiveBlock{b.stack_id, false, b.size, true});
            heap_bytes_ += b.size;
            report_.start_blocks++;
            report_.start_bytes += b.size;
        }
        report_.peak_bytes = heap_bytes_;
        report_.peak_ticks = start_ticks;
    }

    void apply(const AllocEvent& event) {
        if (seen_any_ && event.seq <= last_seq_) report_.out_of_order++;
        seen_any_ = true;
        last_seq_ = event.seq;
        ThreadState& thread = thread_state(event.tid);
        if (event.is_alloc)
            allocate(thread, event);
        else
            release(thread, event);
    }

    // Whatever is still allocated now was never freed; the size tallies go
    // to their stacks.
    void finish(std::vector<LiveBlockAtExit>* blocks) {
        if (blocks != nullptr) {
            blocks->reserve(live_.size());
            live_.for_each([blocks](uint64_t address, const LiveBlock& block) {
                blocks->push_back({address, block.size, block.stack_id, !block.before_window});
            });
        }
        size_counts_.for_each([this](uint64_t key, const uint64_t& count) {
            stack_stats(uint32_t(key >> 32)).sizes[key & 0xffffffffu] += count;
        });
        live_.for_each([this](uint64_t, const LiveBlock& block) {
            AllocStackStats& stack = stack_stats(block.stack_id);
            if (block.before_window) {
                stack.stack_id = block.stack_id;
                stack.held++;
                stack.held_bytes += block.size;
                report_.held_across++;
                report_.held_across_bytes += block.size;
                return;
            }
            uint64_t blocks = represented_blocks(block);
            stack.leaked += blocks;
            stack.leaked_bytes += represented_bytes(block);
            report_.live_allocations += blocks;
            report_.live_bytes += represented_bytes(block);
        });
    }

private:
    // The thread's latest allocation, until the thread allocates again.
    struct ThreadState {
        bool pending = false;
        uint64_t last_ptr = 0;
    };

    // A sampled block of s bytes stands for max(1, N/s) blocks, max(s, N) bytes.
    uint64_t represented_blocks(const LiveBlock& b) const {
        return !b.sampled || b.size >= sample_bytes_ ? 1 : sample_bytes_ / (b.size ? b.size : 1);
    }
    uint64_t represented_bytes(const LiveBlock& b) const {
        return !b.sampled || b.size > sample_bytes_ ? b.size : sample_bytes_;
    }
    bool is_sample(uint64_t seq) const { return sample_bytes_ != 0 && seq >= sampled_from_; }

    // Looked up on every event: a direct-mapped cache of threads in front
    // of the map, a flat index of the stacks' entries (both stay put).
    ThreadState& thread_state(uint32_t tid) {
        RecentThread& recent = recent_threads_[tid % recent_threads_.size()];
        if (recent.state == nullptr || recent.tid != tid) {
            auto found = threads_.emplace(tid, ThreadState{});
            if (found.second) report_.threads++;
            recent = {tid, &found.first->second};
        }
        return *recent.state;
    }
    struct StackEntry {
        AllocStackStats* stats;
        uint32_t distinct_sizes;  // tallied in size_counts_
        uint64_t exact_allocations, exact_bytes;  // before a budget's switch to sampling
    };
    // The reference lasts until the next new stack (the index may grow).
    StackEntry& stack_entry(uint32_t stack_id) {
        if (StackEntry* known = stack_index_.find(stack_id)) return *known;
        return stack_index_.insert(stack_id, StackEntry{&report_.stacks[stack_id], 0, 0, 0});
    }
    AllocStackStats& stack_stats(uint32_t stack_id) { return *stack_entry(stack_id).stats; }

    // Per stack, the first kMaxDistinctSizes sizes: in one flat table keyed
    // by (stack, size) while replaying, as a tree lookup per event is slow.
    void count_size(uint32_t stack_id, StackEntry& stack, uint64_t size) {
        if (size > 0xffffffffu) {  // 4 GiB and over: rare, counted directly
            std::map<uint64_t, uint64_t>& sizes = stack.stats->sizes;
            if (sizes.count(size) != 0 || sizes.size() < kMaxDistinctSizes) sizes[size]++;
            return;
        }
        uint64_t key = uint64_t(stack_id) << 32 | size;
        if (uint64_t* count = size_counts_.find(key)) {
            ++*count;
        } else if (stack.distinct_sizes < kMaxDistinctSizes) {
            stack.distinct_sizes++;
            size_counts_.insert(key, 1);
        }
    }

    void allocate(ThreadState& thread, const AllocEvent& event) {
        LiveBlock block{event.stack_id, is_sample(event.seq), event.size};
        if (LiveBlock* found = live_.find(event.ptr)) {  // its free went unrecorded (dropped events)
            // Not a lost free past a budget's switch: only sampled blocks' frees are recorded.
            if (found->before_window)
                report_.start_freed_unseen++;  // freed while no window was open: known to happen
            else if (!found->sampled && block.sampled)
                report_.unrecorded_frees++;
            else
                report_.lost_frees++;
            heap_bytes_ -= represented_bytes(*found);
            *found = block;
        } else {
            live_.insert(event.ptr, block);
        }
        report_.allocations++;
        report_.bytes += event.size;
        heap_bytes_ += represented_bytes(block);
        if (heap_bytes_ > report_.peak_bytes) {
            report_.peak_bytes = heap_bytes_;
            report_.peak_ticks = event.ticks;
        }
        StackEntry& entry = stack_entry(event.stack_id);
        AllocStackStats& stack = *entry.stats;
        stack.stack_id = event.stack_id;
        if (stack.allocations == 0 || event.size < stack.min_size) stack.min_size = event.size;
        if (event.size > stack.max_size) stack.max_size = event.size;
        stack.allocations++;
        stack.bytes += event.size;
        if (sample_bytes_ != 0 && !block.sampled) {
            entry.exact_allocations++;
            entry.exact_bytes += event.size;
        }
        count_size(event.stack_id, entry, event.size);
        thread.pending = true;
        thread.last_ptr = event.ptr;
    }

    void release(ThreadState& thread, const AllocEvent& event) {
        report_.frees++;
        if (sample_bytes_ != 0 && !is_sample(event.seq)) exact_frees_++;
        LiveBlock block;
        if (!live_.take(event.ptr, block)) {
            report_.unknown_frees++;
            return;
        }
        heap_bytes_ -= represented_bytes(block);
        if (block.before_window) {
            report_.start_freed++;
            report_.start_freed_bytes += block.size;
            return;
        }
        if (thread.pending && thread.last_ptr == event.ptr) {
            report_.temporary++;
            stack_stats(block.stack_id).temporary++;
            thread.pending = false;
        }
    }

    AllocReport& report_;
    uint64_t sample_bytes_;  // 0: not sampled
    uint64_t sampled_from_;
    uint64_t exact_frees_ = 0;
    FlatMap<LiveBlock> live_;  // by address
    FlatMap<uint64_t> size_counts_;
    std::unordered_map<uint32_t, ThreadState> threads_;
    struct RecentThread {
        uint32_t tid;
        ThreadState* state;
    };
    std::array<RecentThread, 64> recent_threads_{};
    FlatMap<StackEntry> stack_index_;
    uint64_t heap_bytes_ = 0;
    uint64_t last_seq_ = 0;
    bool seen_any_ = false;
};

// Sampling mode: the exact counts replace the sampled ones. After a disk
// budget's switch they count from the switch on: the exact events before it
// (`before`, `frees_before`) are added.
void apply_exact_counts(const Log& log, AllocReport& report,
                        std::map<uint32_t, std::pair<uint64_t, uint64_t>> before, uint64_t frees_before) {
    report.sample_bytes = log.alloc_sample_bytes;
    report.budget_sampled = log.budget.sampled();
    report.allocations = report.bytes = report.temporary = 0;
    report.frees = log.alloc_counted_frees + frees_before;
    for (const auto& count : log.alloc_counts) {
        std::pair<uint64_t, uint64_t>& sum = before[count.first];
        sum.first += count.second.first;
        sum.second += count.second.second;
    }
    for (auto& entry : report.stacks) {
        entry.second.allocations = entry.second.bytes = entry.second.temporary = 0;
    }
    for (const auto& count : before) {
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

AllocReport analyze_allocations(const Log& log, const std::function<void(double)>& progress) {
    AllocReport report;
    std::vector<Cursor> cursors;
    cursors.reserve(log.alloc_chunks.size());
    for (const AllocChunk& chunk : log.alloc_chunks) cursors.emplace_back(chunk);

    // The opened chunks' heads (Heads): each chunk holds one thread's events
    // in order, so merging their heads replays the program's order. Unopened
    // chunks wait in (first_seq, index) order, the order a helper thread
    // unpacks them in ahead of time, and join the heads when their first_seq
    // comes up: the heap holds about one chunk per thread, not every chunk.
    Heads heads;
    std::vector<size_t> order(cursors.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    auto first_head = [&](size_t i) { return Head(cursors[i].chunk->first_seq, i); };
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return first_head(a) < first_head(b); });
    ChunkPrefetch prefetch(log.alloc_chunks, order);
    PageReleaser pages(log, cursors);
    auto advance = [&](Cursor& cursor) {
        if (cursor.reader->next(cursor.event)) return true;
        if (cursor.reader->failed() && report.problem.empty()) report.problem = cursor.reader->error();
        cursor.reader.reset();
        pages.finished(cursor);
        return false;
    };

    Replay replay(report, log.alloc_sample_bytes, log.budget.sampling_seq);
    // Sampling mode (SHIM_ALLOC_SAMPLE) keeps no list: the shim writes none. A
    // window a disk budget turned to sampling started exact, from its list.
    if (log.live_at_start.present && (log.alloc_sample_bytes == 0 || log.budget.sampled()))
        replay.start_with(log.live_at_start, log.process.start_ticks);
    size_t opened = 0;
    constexpr Head kNone{UINT64_MAX, SIZE_MAX};
    auto next_to_open = [&] { return opened < order.size() ? first_head(order[opened]) : kNone; };
    while (!heads.empty() || opened < order.size()) {
        Head waiting = next_to_open();
        if (heads.empty() || waiting < heads.top()) {
            size_t i = waiting.second;
            Cursor& cursor = cursors[i];
            cursor.reader.reset(new AllocChunkReader(*cursor.chunk, prefetch.take(i)));
            if (++opened % 64 == 0 && progress) progress(double(opened) / double(cursors.size()));
            if (advance(cursor)) heads.push({cursor.event.seq, i});
            continue;
        }
        Cursor& cursor = cursors[heads.top().second];
        // Replay the top chunk's run of events up to the next head, opened or
        // not, without touching the heap: one thread's events come in runs.
        uint64_t until = std::min(waiting.first, heads.next_seq());
        bool more;
        do {
            replay.apply(cursor.event);
            more = advance(cursor);
        } while (more && cursor.event.seq < until);
        if (more)
            heads.rekey_top(cursor.event.seq);
        else
            heads.pop();
    }
    // The blocks live at exit are kept only when the exit scan can judge them.
    std::string undecidable = why_undecidable(log);
    if (undecidable.empty() && log.end.dropped != 0) undecidable = "the shim dropped events: some blocks are unknown";
    std::vector<LiveBlockAtExit> blocks;
    replay.finish(undecidable.empty() ? &blocks : nullptr);
    if (log.alloc_sample_bytes != 0) apply_exact_counts(log, report, replay.exact_counts(), replay.exact_frees());
    if (undecidable.empty() && !report.consistent())
        undecidable = "the allocation events do not add up (" + (report.problem.empty() ? "frees missing or out of order" : report.problem) + ")";
    if (undecidable.empty()) {
        report.reach = decide_reachability(log, blocks);
    } else {
        report.reach.undecided = undecidable;
    }
    return report;
}

double seconds_since_start(const Log& log, uint64_t ticks) {
    if (!log.ticks_calibrated) return -1;
    return run_ns_from_ticks(log, ticks) / 1e9;
}

}  // namespace analyzer
