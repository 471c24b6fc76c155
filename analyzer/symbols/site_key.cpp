#include "site_key.h"

#include <cctype>

namespace analyzer {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string basename_of(const std::string& path) {
    size_t slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string with_call_parens(const std::string& function) {
    return !function.empty() && function.back() == ')' ? function : function + "()";
}

// " (tid 123)": thread ids differ from run to run.
std::string without_thread_id(std::string site) {
    size_t at = site.rfind(" (tid ");
    if (at != std::string::npos && ends_with(site, ")")) site.erase(at);
    return site;
}

}  // namespace

std::string bare_function(const std::string& function) {
    std::string f = function;
    for (bool trimmed = true; trimmed;) {
        trimmed = false;
        for (const char* qualifier : {" const", " volatile", " &&", " &"})
            if (ends_with(f, qualifier)) f.erase(f.size() - std::string(qualifier).size()), trimmed = true;
    }
    if (f.empty() || f.back() != ')') return function;
    int depth = 0;
    for (size_t i = f.size(); i-- > 0;) {
        if (f[i] == ')') ++depth;
        if (f[i] == '(' && --depth == 0) {
            std::string name = f.substr(0, i);
            // "operator()" is a name, not a name and its parameters.
            if (name.empty() || ends_with(name, "operator")) return function;
            return name;
        }
    }
    return function;
}

std::string site_key(const std::string& described_site) {
    std::string site = without_thread_id(described_site);
    size_t at = site.rfind(" at ");
    if (at != std::string::npos) {  // "function at file:line"
        std::string file = site.substr(at + 4);
        size_t colon = file.rfind(':');
        if (colon != std::string::npos && colon + 1 < file.size() && isdigit((unsigned char)file[colon + 1]))
            file.erase(colon);
        return with_call_parens(bare_function(site.substr(0, at))) + " in " + basename_of(file);
    }
    size_t plus = site.rfind("+0x"), open = site.rfind(" (");
    if (plus != std::string::npos && open != std::string::npos && plus < open && ends_with(site, ")"))
        return with_call_parens(bare_function(site.substr(0, plus))) + " in " +
               site.substr(open + 2, site.size() - open - 3);  // "function+0x12 (module)"
    return site;
}

}  // namespace analyzer
