// What the continuous-profiling backends take a pprof profile as:
// - Pyroscope's HTTP ingest (grafana/pyroscope docs/sources/configure-server/
//   about-server-api.md): POST /ingest?name=APP{k=v,...}&from=S&until=S&format=pprof,
//   a multipart/form-data body with the profile in a file part named `profile`
//   and, for sample types Pyroscope does not know, a `sample_type_config` part.
// - Parca's ProfileStoreService.WriteRaw (parca-dev/parca proto/parca/
//   profilestore/v1alpha1/profilestore.proto) through its HTTP gateway:
//   POST /profiles/writeraw, a JSON WriteRawRequest whose bytes are base64.
// Built here as plain strings; cli/http_post sends them.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace analyzer {

using IngestLabels = std::vector<std::pair<std::string, std::string>>;  // in order

// Pyroscope's name parameter: "APP{k=v,...}", the characters its parser
// splits on (",", "=", "{", "}") and spaces in keys or values replaced by '_'.
std::string pyroscope_app_name(const std::string& app, const IngestLabels& labels);

// The query string after "/ingest?", every value percent-encoded.
std::string pyroscope_ingest_query(const std::string& app_name, uint64_t from_s, uint64_t until_s);

// The `sample_type_config` JSON for the profile's sample types (type names as
// `analyzer pprof` writes them): units, aggregation and display name of each.
std::string pyroscope_sample_type_config(const std::vector<std::string>& sample_types);

// The WriteRawRequest JSON (grpc-gateway's mapping: lowerCamelCase names,
// bytes as base64) of one series: labels and the gzip'd profile.
std::string parca_write_raw_json(const IngestLabels& labels, const std::string& profile);

std::string base64_encode(const std::string& bytes);
std::string percent_encode(const std::string& text);

}  // namespace analyzer
