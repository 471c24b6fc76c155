#include "gates.h"

#include <algorithm>
#include <iostream>

#include "../findings/rules.h"
#include "../text/format.h"

namespace analyzer {
namespace {

struct ReadTotals {
    uint64_t calls = 0, bytes = 0;
};

ReadTotals read_totals(const Log& log) {
    ReadTotals t;
    for (const IoSite& site : log.io_sites) {
        if (shimlog::is_write(site.syscall)) continue;
        t.calls += site.calls;
        t.bytes += site.bytes_done;
    }
    return t;
}

}  // namespace

std::string unknown_kind_error(const std::vector<std::string>& kinds) {
    const std::vector<std::string>& known = finding_kinds();
    for (const std::string& kind : kinds) {
        if (std::find(known.begin(), known.end(), kind) != known.end()) continue;
        return "--fail-on: unknown finding kind '" + kind + "' (valid: " + finding_kinds_list() + ")";
    }
    return "";
}

double reads_per_mib(const Log& log) {
    ReadTotals t = read_totals(log);
    double mib = std::max(1.0, double(t.bytes) / double(1u << 20));
    return double(t.calls) / mib;
}

std::vector<std::string> failed_gates(const Gates& gates, const Log& log, const std::vector<Finding>& findings) {
    std::vector<std::string> failed;
    for (const std::string& kind : gates.fail_on) {
        const Finding* first = nullptr;
        size_t count = 0;
        for (const Finding& f : findings)
            if (f.kind == kind) count++, first = first ? first : &f;
        if (first != nullptr)
            failed.push_back("--fail-on " + kind + ": " + std::to_string(count) + " finding" +
                             (count == 1 ? "" : "s") + ", the first: " + first->title);
    }
    // A gate cannot pass on counts the shim knows to be incomplete: the lost
    // events may be the very ones it gates on.
    bool gating = !gates.fail_on.empty() || gates.max_reads_per_mib >= 0;
    if (gating && failed.empty() && log.end.dropped > 0)
        failed.push_back("the shim dropped " + with_commas(log.end.dropped) +
                         " events in this run, so no gate can pass on its counts");
    if (gates.max_reads_per_mib >= 0) {
        double rate = reads_per_mib(log);
        if (rate > gates.max_reads_per_mib) {
            ReadTotals t = read_totals(log);
            failed.push_back("--max-reads-per-mb " + fixed(gates.max_reads_per_mib, 0) + ": " + fixed(rate, 1) +
                             " read calls per MiB (" + with_commas(t.calls) + " calls read " +
                             human_bytes(double(t.bytes)) + ")");
        }
    }
    return failed;
}

int apply_gates(const Gates& gates, const Log& log, const std::vector<Finding>& findings) {
    std::vector<std::string> failed = failed_gates(gates, log, findings);
    for (const std::string& line : failed) std::cerr << "analyzer: gate failed: " << line << "\n";
    return failed.empty() ? 0 : 1;
}

}  // namespace analyzer
