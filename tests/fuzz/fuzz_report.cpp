// libFuzzer target: any bytes as a log, through the decoder, the analyses, the
// rules and the text and JSON views. Logs are untrusted input: this must never
// crash, hang or trip ASan/UBSan; bad input may only raise LogError.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "../../analyzer/analysis/alloc_analysis.h"
#include "../../analyzer/symbols/call_sites.h"
#include "../../analyzer/decode/decode.h"
#include "../../analyzer/findings/rules.h"
#include "../../analyzer/views/report.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    analyzer::Log log;
    try {
        log = analyzer::decode_log(std::string(reinterpret_cast<const char*>(data), size), "fuzz");
    } catch (const analyzer::LogError&) {
        return 0;
    }
    // Module paths from the input would make the symbolizer open files: keep
    // the fuzzer on the log's own logic (symbolize.cpp has its own tests).
    log.modules.clear();
    analyzer::Symbolizer symbols(log.modules);
    analyzer::CallSites sites(log, symbols);
    analyzer::AllocReport allocs = analyzer::analyze_allocations(log);
    analyzer::Thresholds limits;
    std::vector<analyzer::Finding> findings = analyzer::find_all(log, allocs, sites, limits);
    analyzer::ReportInput input{log, findings, sites, 10, allocs};
    std::ostringstream sink;
    analyzer::write_text_report(input, sink);
    analyzer::write_json_report(input, sink);
    return 0;
}
