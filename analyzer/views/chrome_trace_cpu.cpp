#include "chrome_trace_cpu.h"

#include <algorithm>

#include "../model/time_axis.h"
#include "../text/format.h"

namespace analyzer {
namespace {

// Frames deduplicated by (parent frame, function): a long run's stacks share
// their outer frames, so the table stays the size of the call tree.
class FrameTable {
public:
    explicit FrameTable(const CpuProfileSummary& profile) : profile_(profile) {}

    // The frame id of a stack's innermost function (stack_functions order:
    // innermost first), 0 when it has none.
    uint64_t leaf_of(uint32_t stack_id) {
        auto memo = leaf_.find(stack_id);
        if (memo != leaf_.end()) return memo->second;
        uint64_t frame = 0;
        auto stack = profile_.stack_functions.find(stack_id);
        if (stack != profile_.stack_functions.end())
            for (auto it = stack->second.rbegin(); it != stack->second.rend(); ++it) frame = child(frame, *it);
        leaf_[stack_id] = frame;
        return frame;
    }

    void write(JsonWriter& json) const {
        json.begin_object("stackFrames");
        for (size_t i = 0; i < frames_.size(); ++i) {
            const CpuFunction& f = profile_.functions[frames_[i].second];
            std::string id = std::to_string(i + 1);
            json.begin_object(id.c_str()).field("name", f.where());
            if (!f.module.empty()) json.field("category", f.module);
            if (frames_[i].first != 0) json.field("parent", std::to_string(frames_[i].first));
            json.end_object();
        }
        json.end_object();
    }

private:
    uint64_t child(uint64_t parent, size_t function) {
        auto key = std::make_pair(parent, function);
        auto found = ids_.find(key);
        if (found != ids_.end()) return found->second;
        frames_.push_back(key);
        return ids_[key] = frames_.size();  // ids from 1: 0 is "no parent"
    }

    const CpuProfileSummary& profile_;
    std::vector<std::pair<uint64_t, size_t>> frames_;  // id - 1 -> (parent id, function index)
    std::map<std::pair<uint64_t, size_t>, uint64_t> ids_;
    std::map<uint32_t, uint64_t> leaf_;
};

uint64_t expiries(const CpuSample& s, uint64_t period_ns) {
    return period_ns ? std::max<uint64_t>(1, (s.weight_ns + period_ns / 2) / period_ns) : 1;
}

// Which samples to write, each weighing the ones left out, so every total
// stays right: of a thread with `every` samples or more, the first of each
// run of `every` (its last, shorter run added to the run before), its own
// CPU exact; the samples of threads with fewer (a storm of short threads)
// pooled and thinned the same way, exact only in sum.
std::vector<std::pair<size_t, uint64_t>> thin_out(const std::vector<CpuSample>& samples, uint64_t period_ns,
                                                  size_t every) {
    std::map<uint32_t, std::vector<size_t>> by_thread;
    for (size_t i = 0; i < samples.size(); ++i) by_thread[samples[i].tid].push_back(i);
    std::vector<std::pair<size_t, uint64_t>> kept;
    std::vector<size_t> pool;
    auto take_runs = [&](const std::vector<size_t>& order, bool last_run_joins) {
        for (size_t j = 0; j < order.size(); j += every) {
            uint64_t weight = 0;
            for (size_t k = j; k < order.size() && k < j + every; ++k) weight += expiries(samples[order[k]], period_ns);
            if (last_run_joins && j + every > order.size() && j > 0)
                kept.back().second += weight;
            else
                kept.push_back({order[j], weight});
        }
    };
    for (const auto& thread : by_thread) {
        if (thread.second.size() >= every)
            take_runs(thread.second, true);
        else
            pool.insert(pool.end(), thread.second.begin(), thread.second.end());
    }
    take_runs(pool, false);
    std::sort(kept.begin(), kept.end());
    return kept;
}

}  // namespace

std::vector<std::string> write_cpu_trace(JsonWriter& json, const Log& log, const CpuProfileSummary& profile,
                                         const std::map<uint32_t, uint64_t>& track_of, const CpuTraceOptions& options) {
    std::vector<std::string> notes;
    if (!log.cpu.present()) return notes;
    const std::vector<CpuSample>& samples = log.cpu.samples;
    // Over the cap, one in `every` samples is written; `every` exceeds
    // samples / cap so that, with the pool's last run below, the cap holds.
    size_t every = 1;
    if (options.max_samples > 0 && samples.size() > options.max_samples) every = samples.size() / options.max_samples + 1;
    bool timed = log.ticks_calibrated;
    if (!timed && !samples.empty())
        notes.push_back("CPU samples left out of the trace: the log has no end record to calibrate its clock");
    std::vector<std::pair<size_t, uint64_t>> kept;  // (sample index, weight in expiries)
    if (timed) kept = thin_out(samples, log.cpu.period_ns, every);

    FrameTable frames(profile);
    json.begin_array("samples");
    for (const auto& k : kept) {
        const CpuSample& s = samples[k.first];
        auto track = track_of.find(s.tid);
        json.begin_object()
            .field("cat", "cpu")
            .field("pid", uint64_t(log.process.pid))
            .field("tid", track == track_of.end() ? uint64_t(s.tid) : track->second)
            .field("ts", run_ns_from_ticks(log, s.ticks) / 1e3)
            .field("name", "cpu sample");
        if (uint64_t leaf = frames.leaf_of(s.stack_id)) json.field("sf", std::to_string(leaf));
        json.field("weight", k.second).end_object();
    }
    json.end_array();
    frames.write(json);

    json.begin_object("metadata").begin_object("cpu_samples");
    json.field("samples", uint64_t(samples.size()))
        .field("written", uint64_t(kept.size()))
        .field("period_ns", log.cpu.period_ns)
        .field("weight", "timer expiries, each period_ns of the thread's CPU");
    if (every > 1) {
        json.field("every", uint64_t(every));
        std::string kept_text = "one in " + std::to_string(every) + " CPU samples kept (" +
                                with_commas(kept.size()) + " of " + with_commas(samples.size()) + ", over the cap of " +
                                with_commas(options.max_samples) + "), each weighing the ones of its thread left out after it";
        json.field("note", kept_text);
        notes.push_back("the trace has " + kept_text);
    }
    json.end_object().end_object();
    return notes;
}

}  // namespace analyzer
