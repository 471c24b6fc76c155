#include "demangle.h"

#include <cxxabi.h>
#include <libiberty/demangle.h>

#include <cstdlib>

namespace analyzer {
namespace {

// Takes ownership of a malloc'd result.
std::string take(char* demangled) {
    std::string out = demangled;
    std::free(demangled);
    return out;
}

}  // namespace

std::string demangle_symbol(const char* mangled) {
    if (mangled == nullptr || *mangled == '\0') return {};
    // Rust first: a legacy Rust name is also a valid C++ name, which the C++
    // demangler turns into "foo::bar::h0123456789abcdef". libiberty's Rust
    // demangler (GCC's, v0 and legacy) says no to anything else.
    if (mangled[0] == '_' && (mangled[1] == 'R' || mangled[1] == 'Z'))
        if (char* rust = rust_demangle(mangled, DMGL_PARAMS | DMGL_ANSI)) return take(rust);
    if (mangled[0] == '_' && mangled[1] == 'Z') {
        int status = 0;
        if (char* cxx = abi::__cxa_demangle(mangled, nullptr, nullptr, &status)) {
            if (status == 0) return take(cxx);
            std::free(cxx);
        }
    }
    return mangled;
}

}  // namespace analyzer
