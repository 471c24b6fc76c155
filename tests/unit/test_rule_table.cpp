// The rules' table (findings/rules.cpp) is the one list of finding kinds:
// --fail-on accepts exactly its kinds, its help lists them, and
// report.schema.json's enum names the same ones in the same order.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "../../analyzer/cli/gates.h"
#include "../../analyzer/findings/rules.h"
#include "../integration/harness.h"

using namespace analyzer;

namespace {

// The strings of the first JSON array after `key` in `text` (enough for the
// schema's flat list of kinds; check_schema.py reads the schema properly).
std::vector<std::string> array_after(const std::string& text, const std::string& key) {
    std::vector<std::string> items;
    size_t at = text.find(key);
    if (at == std::string::npos) return items;
    size_t open = text.find('[', at), close = text.find(']', open);
    if (open == std::string::npos || close == std::string::npos) return items;
    std::string list = text.substr(open + 1, close - open - 1);
    for (size_t q = list.find('"'); q != std::string::npos; q = list.find('"', q)) {
        size_t end = list.find('"', q + 1);
        items.push_back(list.substr(q + 1, end - q - 1));
        q = end + 1;
    }
    return items;
}

}  // namespace

TEST_CASE("rule table: every rule makes a kind, and each kind is listed once", "[rules][table]") {
    std::set<std::string> from_rules;
    for (const Rule& rule : rules()) {
        CHECK(rule.find != nullptr);
        CHECK_FALSE(rule.kinds.empty());
        from_rules.insert(rule.kinds.begin(), rule.kinds.end());
    }
    const std::vector<std::string>& kinds = finding_kinds();
    CHECK(std::set<std::string>(kinds.begin(), kinds.end()) == from_rules);
    CHECK(from_rules.size() == kinds.size());
}

TEST_CASE("rule table: --fail-on accepts exactly the table's kinds and lists them", "[rules][table][gates]") {
    for (const std::string& kind : finding_kinds()) CHECK(unknown_kind_error({kind}).empty());
    std::string error = unknown_kind_error({"slow-stuff"});
    CHECK(error == "--fail-on: unknown finding kind 'slow-stuff' (valid: " + finding_kinds_list() + ")");
    for (const std::string& kind : finding_kinds()) CHECK(finding_kinds_list().find(kind) != std::string::npos);
}

TEST_CASE("rule table: report.schema.json's finding kinds are the table's, in its order", "[rules][table][schema]") {
    std::ifstream in(harness::repo_root() + "/analyzer/report.schema.json");
    REQUIRE(in);
    std::stringstream text;
    text << in.rdbuf();
    std::string schema = text.str();
    // The findings' "kind" is the first property named kind after "findings".
    size_t findings = schema.find("\"findings\"");
    REQUIRE(findings != std::string::npos);
    std::vector<std::string> in_schema = array_after(schema.substr(findings), "\"kind\": {\"enum\"");
    CHECK(in_schema == finding_kinds());
}
