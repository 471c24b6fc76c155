// libFuzzer target: any bytes as a log, through the decoder, the analyses, the
// rules and the text and JSON views. Logs are untrusted input: this must never
// crash, hang or trip ASan/UBSan; bad input may only raise LogError.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>
#include <utility>

#include "../../analyzer/decode/decode.h"
#include "../../analyzer/pipeline.h"
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
    analyzer::Progress quiet(0);
    std::unique_ptr<analyzer::RunAnalysis> run = analyzer::analyze_log(std::move(log), analyzer::Thresholds{}, quiet);
    // Every finding, the cheap ones too: each goes through the views.
    analyzer::ReportInput input{run->log, run->all_findings, *run->sites, 10, run->analysis};
    std::ostringstream sink;
    analyzer::write_text_report(input, sink);
    analyzer::write_json_report(input, sink);
    return 0;
}
