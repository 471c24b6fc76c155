// One HTTP POST through libcurl, for `analyzer push`: a multipart form or a
// plain body, extra headers, a time limit; the outcome as one line to print.
#pragma once
#include <string>
#include <vector>

namespace analyzer {

struct FormFilePart {
    std::string name;      // the form field
    std::string filename;  // sent as the part's filename
    std::string content_type;
    std::string data;
};

struct HttpRequest {
    std::string url;
    std::vector<std::string> headers;  // "Name: value"
    std::vector<FormFilePart> parts;   // multipart/form-data when not empty
    std::string body;                  // else this body
    std::string content_type;          // of `body`
    long timeout_s = 30;               // the whole request, connecting included
};

struct HttpResult {
    bool ok = false;     // a 2xx answer
    long status = 0;     // 0: no answer (connection refused, timeout, bad URL)
    std::string error;   // one line: why it failed
    std::string body;    // the answer, up to 64 KiB
};

HttpResult http_post(const HttpRequest& request);

}  // namespace analyzer
