// Symbol names as programmers write them: C++ (Itanium ABI) and Rust, both
// of Rust's schemes (v0 "_R..." and legacy "_ZN...17h<hash>E").
#pragma once
#include <string>

namespace analyzer {

// The demangled name, or `mangled` itself when it is no mangled name we know
// (a C function, an asm label). Rust's legacy hash suffix is dropped, as
// rustc-demangle does by default.
std::string demangle_symbol(const char* mangled);

}  // namespace analyzer
