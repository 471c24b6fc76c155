// Names for call sites that survive a rebuild, so `diff` can match a site in
// one run with the same site in another: the function without its parameter
// list and the source file's basename, never the address (the binary may
// differ) nor the line (lines shift as code is edited).
#pragma once
#include <string>

namespace analyzer {

// "readbyte(int)" -> "readbyte"; "ns::f<int>(char) const" -> "ns::f<int>";
// "operator()" and names without a parameter list stay as they are.
std::string bare_function(const std::string& function);

// From a site as CallSites describes it:
//   "readbyte(int) at workloads/words.cpp:82"  -> "readbyte() in words.cpp"
//   "png_malloc+0xe (libpng16.so.16)"               -> "png_malloc() in libpng16.so.16"
//   "... (tid 15257)" loses the thread id; anything else is kept as it is.
std::string site_key(const std::string& described_site);

}  // namespace analyzer
