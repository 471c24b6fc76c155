// The HTML report's escaping and its page, from a hand-made log: text from
// the log (paths, symbols) must never become markup or end a script.
#include <catch2/catch.hpp>

#include <sstream>

#include "../../analyzer/pipeline.h"
#include "../../analyzer/views/html_parts.h"

using namespace analyzer;

TEST_CASE("html: text from the log is escaped for content and attributes", "[html]") {
    CHECK(html_escape("<a href=\"x\">Tom & Jerry's</a>") ==
          "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
    CHECK(html_escape("plain µs") == "plain µs");
}

TEST_CASE("html: JSON inside a script element cannot close it", "[html]") {
    std::string json = script_json_string("</script><!-- \"q\" & \\");
    CHECK(json.find('<') == std::string::npos);
    CHECK(json.find('>') == std::string::npos);
    CHECK(json == "\"\\u003c/script\\u003e\\u003c!-- \\\"q\\\" \\u0026 \\\\\"");
}

TEST_CASE("html: shortened labels keep whole UTF-8 characters", "[html]") {
    CHECK(shorten_text("abcdef", 6) == "abcdef");
    CHECK(shorten_text("abcdefg", 6) == "abcde…");
    CHECK(shorten_text("ééééééé", 4) == "ééé…");
    CHECK(shorten_text("abc", 0).empty());
    CHECK(shorten_left("/a/b/file.txt", 9) == "…file.txt");
    CHECK(shorten_left("/é/é/fé.txt", 7) == "…fé.txt");
    CHECK(shorten_left("short", 9) == "short");
}

TEST_CASE("html: numbers for SVG have no trailing zeros", "[html]") {
    CHECK(svg_number(1.50) == "1.5");
    CHECK(svg_number(2.0) == "2");
    CHECK(svg_number(-0.01) == "0");
    CHECK(svg_number(0.126, 2) == "0.13");
}

TEST_CASE("html: a page with every section and a hostile file name", "[html]") {
    Log log;
    log.path = "log.bin";
    log.process.exe = "/bin/prog";
    log.process.argv = {"/bin/prog", "<b>arg</b>"};
    log.files[1] = {1, 3, shimlog::FileKind::Regular, "/tmp/<img src=x onerror=alert(1)>.txt"};
    IoSite site;
    site.file_id = 1;
    site.site = 0x1234;
    site.calls = 5000;
    site.bytes_done = 5000;
    site.histogram[1] = 5000;
    log.io_sites.push_back(site);
    Symbolizer symbols({});
    CallSites sites(log, symbols);
    AllocReport allocs;
    Finding finding;
    finding.kind = "unbuffered-io";
    finding.title = "5,000 read() calls on <img src=x onerror=alert(1)>.txt";
    finding.site = "f<int>() at a.cpp:1";
    finding.evidence = {"a & b"};
    finding.advice = "buffer";
    std::vector<Finding> findings{finding};
    Analysis analysis = analyze_with_limits(log, sites, allocs, Thresholds{});
    ReportInput input{log, findings, sites, 10, analysis};

    std::ostringstream out;
    write_html_report(input, out);
    std::string page = out.str();
    CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
    CHECK(page.find("</html>") != std::string::npos);
    CHECK(page.find("<img src=x") == std::string::npos);
    CHECK(page.find("&lt;img src=x onerror=alert(1)&gt;") != std::string::npos);
    CHECK(page.find("<b>arg</b>") == std::string::npos);
    CHECK(page.find("f&lt;…&gt;() at a.cpp:1") != std::string::npos);  // names simplified (issue 19)
    CHECK(page.find("a &amp; b") != std::string::npos);
    for (const char* id : {"id=\"findings\"", "id=\"concurrency\"", "id=\"io\"", "id=\"allocations\""})
        CHECK(page.find(id) != std::string::npos);
    // Self-contained: nothing to fetch.
    CHECK(page.find(" src=\"") == std::string::npos);
    CHECK(page.find("<link") == std::string::npos);
    CHECK(page.find("http://") == std::string::npos);
    CHECK(page.find("https://") == std::string::npos);
}
