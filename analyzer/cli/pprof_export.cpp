#include "pprof_export.h"

#include <iostream>

#include "../analysis/alloc_analysis.h"
#include "../encode/gzip_compress.h"
#include "load_log.h"

namespace analyzer {

PprofWhat pprof_what_from_name(const std::string& name) {
    return name == "reads"          ? PprofWhat::Reads
           : name == "cpu"          ? PprofWhat::Cpu
           : name == "waits"        ? PprofWhat::Waits
           : name == "lock-holders" ? PprofWhat::LockHolders
                                    : PprofWhat::Allocations;
}

PprofExport export_pprof(const Log& log, PprofWhat what) {
    AllocReport allocs;
    if (what == PprofWhat::Allocations) allocs = analyze_allocations(log);
    Symbolizer symbols(log.modules);
    PprofProfile profile = build_pprof(log, allocs, symbols, what);
    if (profile.samples.empty())
        std::cerr << "analyzer: note: " << log.path << " has no "
                  << (what == PprofWhat::Reads ? "read calls"
                      : what == PprofWhat::Cpu ? "CPU samples (SHIM_CPU_HZ=0, or an older shim)"
                      : what == PprofWhat::Waits ? "contended waits (none blocked, or an older shim)"
                      : what == PprofWhat::LockHolders ? "mutex releases that had waiters"
                                               : "allocation events")
                  << ": the profile is empty\n";
    bool waits = what == PprofWhat::Waits || what == PprofWhat::LockHolders;
    if (waits && !profile.samples.empty() && !log.ticks_calibrated)
        std::cerr << "analyzer: note: " << log.path
                  << " has no end record to calibrate its clock: the delays are 0, the contentions exact\n";
    note_if_partial(log);
    print_symbol_notes(symbols);
    PprofExport out;
    out.gzipped = gzip_compress(encode_pprof(profile));
    for (const PprofValueType& t : profile.sample_types) out.sample_types.push_back(profile.string_table[size_t(t.type)]);
    out.time_nanos = profile.time_nanos;
    out.duration_nanos = profile.duration_nanos;
    out.samples = profile.samples.size();
    return out;
}

}  // namespace analyzer
