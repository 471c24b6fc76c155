// `analyzer push LOG --pyroscope URL | --parca URL [--app NAME] [--tenant ID]
// [--what allocs|reads|cpu|waits|lock-holders]`: the log's pprof profile sent
// to the continuous-profiling backend a team already runs, labelled with the
// process, its command and the recording window (encode/profile_ingest.h
// cites the protocols). A failed upload is one line and status 2; the log is
// only ever read.
#include <iostream>
#include <memory>

#include "../encode/profile_ingest.h"
#include "../model/window_name.h"
#include "commands.h"
#include "http_post.h"
#include "load_log.h"
#include "pprof_export.h"

namespace analyzer {
namespace {

struct PushOptions {
    std::string log_path;
    std::string pyroscope;
    std::string parca;
    std::string app;
    std::string tenant;
    std::string what = "cpu";
    long timeout_s = 30;
};

std::string command_name(const Log& log) {
    std::string exe = log.process.exe;
    if (exe.empty() && !log.process.argv.empty()) exe = log.process.argv[0];
    std::string name = exe.substr(exe.rfind('/') == std::string::npos ? 0 : exe.rfind('/') + 1);
    return name.empty() ? "unknown" : name;
}

std::string without_trailing_slash(std::string url) {
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
}

// Parca names a series by the kind of profile; these are the names Go's
// profiles get there, so its views treat ours alike.
std::string parca_profile_name(const std::string& what) {
    if (what == "cpu") return "process_cpu";
    if (what == "allocs") return "memory";
    if (what == "waits") return "block";
    if (what == "lock-holders") return "mutex";
    return "reads";
}

HttpRequest pyroscope_request(const PushOptions& o, const IngestLabels& labels, const PprofExport& profile) {
    uint64_t from = uint64_t(profile.time_nanos) / 1000000000ULL;
    uint64_t until = (uint64_t(profile.time_nanos) + uint64_t(profile.duration_nanos) + 999999999ULL) / 1000000000ULL;
    if (until <= from) until = from + 1;  // a window shorter than the second it started in
    HttpRequest r;
    r.url = without_trailing_slash(o.pyroscope) + "/ingest?" +
            pyroscope_ingest_query(pyroscope_app_name(o.app, labels), from, until);
    if (!o.tenant.empty()) r.headers.push_back("X-Scope-OrgID: " + o.tenant);
    r.parts.push_back({"profile", "profile.pb.gz", "application/octet-stream", profile.gzipped});
    r.parts.push_back({"sample_type_config", "sample_type_config.json", "application/json",
                       pyroscope_sample_type_config(profile.sample_types)});
    r.timeout_s = o.timeout_s;
    return r;
}

HttpRequest parca_request(const PushOptions& o, IngestLabels labels, const PprofExport& profile) {
    labels.insert(labels.begin(), {"job", o.app});
    labels.insert(labels.begin(), {"__name__", parca_profile_name(o.what)});
    HttpRequest r;
    r.url = without_trailing_slash(o.parca) + "/profiles/writeraw";
    r.content_type = "application/json";
    r.body = parca_write_raw_json(labels, profile.gzipped);
    r.timeout_s = o.timeout_s;
    return r;
}

int run_push(PushOptions o) {
    if (o.pyroscope.empty() == o.parca.empty()) {
        std::cerr << "analyzer: push needs one backend: --pyroscope URL or --parca URL\n";
        return 2;
    }
    if (!o.tenant.empty() && o.pyroscope.empty()) {
        std::cerr << "analyzer: --tenant is Pyroscope's X-Scope-OrgID; Parca's WriteRaw has no tenant\n";
        return 2;
    }
    Log log;
    if (!load_log_or_say(o.log_path, log)) return 2;
    PprofExport profile = export_pprof(log, pprof_what_from_name(o.what));
    if (o.app.empty()) o.app = command_name(log);
    IngestLabels labels{{"pid", std::to_string(log.process.pid)},
                        {"command", command_name(log)},
                        {"window", window_of_log(log.path).label()}};
    bool to_pyroscope = !o.pyroscope.empty();
    HttpRequest request = to_pyroscope ? pyroscope_request(o, labels, profile) : parca_request(o, labels, profile);
    HttpResult result = http_post(request);
    std::string where = to_pyroscope ? o.pyroscope : o.parca;
    if (!result.ok) {
        std::cerr << "analyzer: push to " << where << " failed: " << result.error << "\n";
        return 2;
    }
    std::cout << "pushed " << o.what << " profile of " << log.path << " (" << profile.samples << " samples, "
              << profile.gzipped.size() << " bytes) to " << where << " as " << o.app << ", window "
              << window_of_log(log.path).label() << "\n";
    return 0;
}

}  // namespace

void add_push_command(CLI::App& app) {
    auto options = std::make_shared<PushOptions>();
    CLI::App* cmd = app.add_subcommand(
        "push",
        "Send the log's pprof profile to a continuous-profiling backend: Pyroscope's HTTP ingest\n"
        "(POST URL/ingest?name=APP{pid=..,command=..,window=..}&from=&until=&format=pprof, multipart\n"
        "`profile` part) or Parca's WriteRaw (POST URL/profiles/writeraw). The profile is the one\n"
        "`analyzer pprof --what` writes, with the same labels. A refused connection, a timeout or an\n"
        "HTTP error answer: one line, status 2.\n"
        "Example: analyzer push log.bin --pyroscope http://localhost:4040 --what cpu\n"
        "         analyzer push log.bin.w2 --parca http://localhost:7070 --what allocs");
    cmd->add_option("log", options->log_path, "log written by libshim.so")->required();
    cmd->add_option("--pyroscope", options->pyroscope, "the Pyroscope server's base URL, e.g. http://localhost:4040");
    cmd->add_option("--parca", options->parca, "the Parca server's base URL (its HTTP gateway), e.g. http://localhost:7070");
    cmd->add_option("--app", options->app, "the application's name (default: the program's file name)");
    cmd->add_option("--tenant", options->tenant, "Pyroscope tenant, sent as X-Scope-OrgID");
    cmd->add_option("--what", options->what, "allocs, reads, cpu, waits or lock-holders")
        ->check(CLI::IsMember({"allocs", "reads", "cpu", "waits", "lock-holders"}))
        ->capture_default_str();
    cmd->add_option("--timeout", options->timeout_s, "seconds the upload may take, connecting included")
        ->check(CLI::Range(1L, 3600L))
        ->capture_default_str();
    cmd->callback([options]() { set_command_status(run_push(*options)); });
}

}  // namespace analyzer
