#include "name_simplify.h"

#include <cctype>
#include <cstring>

namespace analyzer {
namespace {

constexpr size_t npos = std::string::npos;

bool is_identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }

bool starts_with_at(const std::string& s, size_t at, const char* prefix) {
    return s.compare(at, std::strlen(prefix), prefix) == 0;
}

bool ends_with(const std::string& s, const char* suffix) {
    size_t n = std::strlen(suffix);
    return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

// The word "operator" at s[at], not part of a longer identifier.
bool operator_at(const std::string& s, size_t at) {
    return starts_with_at(s, at, "operator") && (at == 0 || !is_identifier_char(s[at - 1])) &&
           (at + 8 >= s.size() || !is_identifier_char(s[at + 8]));
}

// Length of the operator's symbol that starts at s[at], just after "operator":
// "()", "[]", or a run such as "<", "<<=", "->*", "<=>" (its brackets are not brackets).
size_t operator_symbol_length(const std::string& s, size_t at) {
    if (starts_with_at(s, at, "()") || starts_with_at(s, at, "[]")) return 2;
    size_t n = 0;
    while (at + n < s.size() && s[at + n] != '\0' && std::strchr("<>=!+-*/%^&|~,", s[at + n]) != nullptr) ++n;
    return n;
}

bool is_open(char c) { return c == '(' || c == '<' || c == '[' || c == '{'; }
bool is_close(char c) { return c == ')' || c == '>' || c == ']' || c == '}'; }

// Index just past the bracket group that opens at s[open], counting every kind
// of bracket (template arguments hold parameter lists and the reverse);
// npos when the brackets do not balance.
size_t group_end(const std::string& s, size_t open) {
    int depth = 0;
    for (size_t i = open; i < s.size(); ++i) {
        if (operator_at(s, i)) {
            i += 8 + operator_symbol_length(s, i + 8) - 1;
            continue;
        }
        if (s[i] == '-' && i + 1 < s.size() && s[i + 1] == '>') {  // "->" in a decltype expression
            ++i;
            continue;
        }
        if (is_open(s[i])) ++depth;
        if (is_close(s[i]) && --depth <= 0) return depth == 0 ? i + 1 : npos;
    }
    return npos;
}

// First occurrence of `pattern` outside every bracket group, or npos.
size_t top_level_find(const std::string& s, const char* pattern) {
    for (size_t i = 0; i < s.size();) {
        if (starts_with_at(s, i, pattern)) return i;
        if (operator_at(s, i)) {
            i += 8 + operator_symbol_length(s, i + 8);
        } else if (is_open(s[i])) {
            i = group_end(s, i);
            if (i == npos) return npos;
        } else {
            ++i;
        }
    }
    return npos;
}

// After a parameter list: " const", " volatile", " &", " &&", " noexcept",
// " [clone .cold]", "[abi:cxx11]"; returns the index past them.
size_t skip_qualifiers(const std::string& s, size_t at) {
    for (;;) {
        size_t i = at;
        while (i < s.size() && s[i] == ' ') ++i;
        size_t next = npos;
        for (const char* word : {"const", "volatile", "noexcept", "&&", "&"})
            if (starts_with_at(s, i, word) && (i + std::strlen(word) >= s.size() ||
                                               !is_identifier_char(s[i + std::strlen(word)]))) {
                next = i + std::strlen(word);
                break;
            }
        if (next == npos && (starts_with_at(s, i, "[clone ") || starts_with_at(s, i, "[abi:"))) {
            next = s.find(']', i);
            if (next != npos) ++next;
        }
        if (next == npos) return at;
        at = next;
    }
}

bool simplify_into(const std::string& s, bool may_have_return_type, std::string& out);

// A Rust qualified path "<T as Trait>" or "<T>", its insides simplified.
bool simplify_qualified_path(const std::string& inner, std::string& out) {
    size_t as = top_level_find(inner, " as ");
    std::string self, trait;
    if (!simplify_into(inner.substr(0, as), false, self)) return false;
    out += "<" + self;
    if (as != npos) {
        if (!simplify_into(inner.substr(as + 4), false, trait)) return false;
        out += " as " + trait;
    }
    out += ">";
    return true;
}

// Appends the simplified `s` to `out`; false when its brackets do not balance.
bool simplify_into(const std::string& s, bool may_have_return_type, std::string& out) {
    bool after_operator = false;  // "operator new", "operator<< <char>": spaces belong to the name now
    size_t i = 0;
    while (i < s.size()) {
        char c = s[i];
        if (operator_at(s, i)) {
            size_t n = 8 + operator_symbol_length(s, i + 8);
            out.append(s, i, n);
            i += n;
            after_operator = true;
        } else if (starts_with_at(s, i, " [clone ") || starts_with_at(s, i, "[abi:")) {
            size_t close = s.find(']', i);
            if (close == npos) return false;
            i = close + 1;
        } else if (starts_with_at(s, i, "[]")) {  // "operator delete[]"
            out += "[]";
            i += 2;
        } else if (starts_with_at(s, i, "(anonymous namespace)")) {
            out += "(anonymous namespace)";
            i += std::strlen("(anonymous namespace)");
        } else if (c == '(') {  // a parameter list
            size_t end = group_end(s, i);
            if (end == npos) return false;
            if (!ends_with(out, "operator()")) out += "()";
            i = skip_qualifiers(s, end);
        } else if (c == '<' || c == '{') {
            size_t end = group_end(s, i);
            if (end == npos) return false;
            std::string inner = s.substr(i + 1, end - i - 2);
            bool component_start = out.empty() || ends_with(out, "::");
            if (c == '{' && inner.rfind("lambda(", 0) == 0) {  // "{lambda(int)#1}"
                size_t number = inner.rfind('#');
                out += "{lambda" + (number == npos ? std::string() : inner.substr(number)) + "}";
            } else if (c == '{' || (component_start && inner.rfind("unnamed", 0) == 0)) {
                out.append(s, i, end - i);  // "{closure#0}", "{unnamed type#1}", "<unnamed struct>"
            } else if (component_start && inner.rfind("lambda", 0) == 0) {
                out += "<lambda>";  // GCC's DWARF name of a lambda: "<lambda(unsigned long)>"
            } else if (out.empty() || (component_start && top_level_find(inner, " as ") != npos)) {
                if (!simplify_qualified_path(inner, out)) return false;  // Rust's "<T as Trait>::f"
            } else if (inner.find("lambda") != npos) {
                // Arguments naming a lambda say which code the template runs
                // (std::thread, std::function, a thread pool's start<F>): kept.
                std::string arguments;
                if (!simplify_into(inner, false, arguments)) return false;
                while (!arguments.empty() && arguments.back() == ' ') arguments.pop_back();
                out += "<" + arguments + ">";
            } else {
                out += "<…>";  // template arguments, Rust's "::<T>" included
            }
            i = end;
        } else if (c == ' ' && may_have_return_type && !after_operator) {
            out.clear();  // what came before was the return type: "void f<int>(int)"
            ++i;
        } else if (is_close(c)) {
            return false;
        } else {
            out += c;
            ++i;
        }
    }
    return true;
}

}  // namespace

std::string simplify_function_name(const std::string& name) {
    if (name.find_first_of("(<{[") == npos) return name;  // C names, and anything that is not a signature
    std::string out;
    // A function returning a function pointer, "int (*f())(int)": left whole.
    if (!simplify_into(name, true, out) || out.empty() || (out[0] == '(' && out.rfind("(anonymous", 0) != 0)) return name;
    return out;
}

std::string simplify_site(const std::string& site) {
    static const char kRuntimeOwn[] = " [the runtime's own]";
    std::string body = site, suffix;
    if (ends_with(body, kRuntimeOwn)) {
        suffix = kRuntimeOwn;
        body.resize(body.size() - suffix.size());
    }
    // "f at file:line" or "f+0x12 (module)": find where the function ends.
    size_t end = top_level_find(body, " at ");
    if (end == npos || body.find(':', end) == npos || !std::isdigit(static_cast<unsigned char>(body.back())))
        end = top_level_find(body, "+0x");
    if (end == npos || end == 0) return site;
    return simplify_function_name(body.substr(0, end)) + body.substr(end) + suffix;
}

}  // namespace analyzer
