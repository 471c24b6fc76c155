// Where libshim.so is, for `analyzer record`: $SHIM_LIBRARY, else beside the
// analyzer in the build tree (analyzer/../preload/), else where `make
// install` puts it (bin/../lib/shim/).
#pragma once
#include <string>
#include <vector>

namespace analyzer {

// An absolute path, or empty with the places tried (or a bad $SHIM_LIBRARY) in `tried`.
std::string find_shim_library(std::vector<std::string>& tried);

}  // namespace analyzer
