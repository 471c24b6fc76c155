// The modules (ELF objects) the shim recorded: the model holds them, the
// symbolizer reads them.
#pragma once
#include <cstdint>
#include <string>

namespace analyzer {

// One mapped ELF object of the traced process, as recorded by the shim.
struct ModuleInfo {
    uint64_t start = 0, end = 0;  // lowest mapped address, end of mapping
    uint64_t load_bias = 0;       // runtime address = ELF vaddr + load_bias (dlpi_addr)
    std::string path;
    std::string build_id;         // raw GNU build-id bytes; empty = not recorded
};

}  // namespace analyzer
