// The JSON report's "cpu_profile" object: the text section's figures, every
// function with its full name. Written only when the log has CPU samples, so
// reports of logs without them stay as they were.
#include "../analysis/cpu_profile.h"
#include "../encode/json_writer.h"
#include "report.h"

namespace analyzer {

void write_cpu_json(const ReportInput& in, JsonWriter& json) {
    const CpuProfileSummary& p = in.analysis.cpu;
    if (!p.present) return;
    json.begin_object("cpu_profile")
        .field("present", true)
        .field("period_ns", p.period_ns)
        .field("samples", p.samples)
        .field("cpu_seconds", double(p.cpu_ns) / 1e9)
        .field("dropped", p.dropped);
    json.begin_object("pc_only")
        .field("in_loader", p.pc_only[1])
        .field("in_unwinder", p.pc_only[2])
        .field("no_unwinder", p.pc_only[3])
        .end_object();
    json.begin_object("at_thread_end")
        .field("samples", p.at_thread_end_samples)
        .field("cpu_seconds", double(p.at_thread_end_ns) / 1e9)
        .end_object();
    auto function = [&](const CpuFunction& f) {
        json.begin_object()
            .field("function", f.name)
            .field("function_short", f.short_name)
            .field("file", f.file)
            .field("line", f.line)
            .field("module", f.module)
            .field("shim", f.shim)
            .field("program", f.program)
            .field("self_samples", f.self_samples)
            .field("self_seconds", double(f.self_ns) / 1e9)
            .field("self_share", p.share_of_cpu(f.self_ns))
            .field("cum_samples", f.cum_samples)
            .field("cum_seconds", double(f.cum_ns) / 1e9)
            .field("cum_share", p.share_of_cpu(f.cum_ns))
            .end_object();
    };
    json.begin_array("top_self");
    for (size_t i = 0; i < p.functions.size() && i < in.top && p.functions[i].self_ns > 0; ++i) function(p.functions[i]);
    json.end_array();
    json.begin_array("top_cum");
    for (size_t i = 0; i < p.by_cum.size() && i < in.top; ++i) function(p.functions[p.by_cum[i]]);
    json.end_array();
    json.begin_array("thread_kinds");
    for (const CpuThreadKind& kind : p.kinds) {
        json.begin_object().field("label", kind.label).field("samples", kind.samples)
            .field("cpu_seconds", double(kind.cpu_ns) / 1e9);
        json.begin_array("top_self");
        for (const auto& [f, ns] : kind.top_self)
            json.begin_object().field("function", p.functions[f].name).field("self_seconds", double(ns) / 1e9)
                .end_object();
        json.end_array().end_object();
    }
    json.end_array().end_object();
}

}  // namespace analyzer
