#include "http_post.h"

#include <algorithm>

#include <curl/curl.h>

namespace analyzer {
namespace {

constexpr size_t kMaxAnswer = 64 * 1024;

size_t keep_answer(char* data, size_t size, size_t count, void* user) {
    std::string& body = *static_cast<std::string*>(user);
    size_t bytes = size * count;
    if (body.size() < kMaxAnswer) body.append(data, std::min(bytes, kMaxAnswer - body.size()));
    return bytes;
}

// The first line of a server's answer, shortened: error pages can be long.
std::string first_line(const std::string& body) {
    std::string line = body.substr(0, body.find_first_of("\r\n"));
    if (line.size() > 200) line = line.substr(0, 200) + "...";
    return line;
}

}  // namespace

HttpResult http_post(const HttpRequest& request) {
    HttpResult result;
    static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    CURL* curl = initialised ? curl_easy_init() : nullptr;
    if (curl == nullptr) {
        result.error = "libcurl could not be initialised";
        return result;
    }
    char error[CURL_ERROR_SIZE] = "";
    curl_slist* headers = nullptr;
    for (const std::string& h : request.headers) headers = curl_slist_append(headers, h.c_str());
    // No "Expect: 100-continue" round trip: the body goes with the request.
    headers = curl_slist_append(headers, "Expect:");
    curl_mime* mime = nullptr;
    if (!request.parts.empty()) {
        mime = curl_mime_init(curl);
        for (const FormFilePart& part : request.parts) {
            curl_mimepart* p = curl_mime_addpart(mime);
            curl_mime_name(p, part.name.c_str());
            curl_mime_filename(p, part.filename.c_str());
            curl_mime_type(p, part.content_type.c_str());
            curl_mime_data(p, part.data.data(), part.data.size());
        }
        curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime);
    } else {
        headers = curl_slist_append(headers, ("Content-Type: " + request.content_type).c_str());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, request.timeout_s);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, request.timeout_s);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "shim-analyzer");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep_answer);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
    CURLcode code = curl_easy_perform(curl);
    if (code != CURLE_OK) {
        result.error = error[0] != '\0' ? error : curl_easy_strerror(code);
    } else {
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
        result.ok = result.status >= 200 && result.status < 300;
        if (!result.ok) {
            std::string why = first_line(result.body);
            result.error = "HTTP " + std::to_string(result.status) + (why.empty() ? "" : ": " + why);
        }
    }
    curl_mime_free(mime);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return result;
}

}  // namespace analyzer
