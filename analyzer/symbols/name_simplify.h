// Short function names for the text and HTML views and flame graph labels,
// in the spirit of pprof's "simplify": C++ template argument lists become
// "<…>", parameter lists "()", return types, cv/ref qualifiers, "[abi:cxx11]"
// tags and "[clone .cold]" suffixes go; the qualified path, operators and
// lambda markers stay. JSON keeps the full names.
#pragma once
#include <string>

namespace analyzer {

// "std::vector<int, std::allocator<int> >::push_back(int const&)" ->
// "std::vector<…>::push_back()". A name it cannot parse (unbalanced
// brackets) comes back unchanged.
std::string simplify_function_name(const std::string& name);

// A described frame or site ("f(int) at x.cpp:31", "f(int)+0x12 (libfoo.so)",
// "libfoo.so+0x1234", "0x7f..."), with only its function part simplified.
// Anything else (prose such as "the whole process") comes back unchanged.
std::string simplify_site(const std::string& site);

}  // namespace analyzer
