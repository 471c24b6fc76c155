// Offline symbolization of recorded return addresses with elfutils libdwfl.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "../model/module_info.h"

namespace analyzer {

struct SourceLocation {
    uint64_t address = 0;        // the address as recorded
    std::string function;        // demangled, e.g. "readbyte(int)"; empty if unknown.
                                 // With inlining: the innermost inlined function.
    std::string file;            // source file as in DWARF (may be absolute); empty if unknown
    int line = 0;
    std::string module;          // basename of the module path; empty if address in no module
    uint64_t module_offset = 0;  // address - load_bias (ELF virtual address)
    uint64_t symbol_offset = 0;  // address - start of the ELF symbol, when function known
    // Functions the code at `address` was inlined into, innermost first; each
    // entry's file:line is the call site. The last entry is the real function.
    std::vector<SourceLocation> inlined_by;

    // "f(int) at x.cpp:31", else "f+0x12 (libfoo.so)", else "libfoo.so+0x1234", else "0x7f..."
    std::string describe() const;
};

// A global or static variable holding an address (ELF data symbol).
struct DataSymbol {
    std::string name;    // demangled: "g_counts_mutex", "worker()::lock"; empty if none
    std::string file;    // its declaration's source file (DWARF); empty if unknown
    std::string module;  // basename of the module holding it
    uint64_t offset = 0; // address - start of the variable (a member or an array element)
};

class Symbolizer {
public:
    explicit Symbolizer(std::vector<ModuleInfo> modules);
    ~Symbolizer();
    Symbolizer(const Symbolizer&) = delete;
    Symbolizer& operator=(const Symbolizer&) = delete;

    // return_address=true: `address` is a return address, so file:line and
    // function are looked up at address-1 (inside the call instruction).
    // Results are cached; the reference stays valid for the Symbolizer's lifetime.
    // Not thread-safe.
    const SourceLocation& resolve(uint64_t address, bool return_address = true);

    // The variable whose storage holds `address`, when it is a global or
    // static one (heap and stack addresses have none). Not cached: call it once per object.
    DataSymbol data_symbol(uint64_t address);

    // The basename of the module holding `address` ("" if none): no debug
    // information is opened, so it is cheap for deciding which frames matter.
    std::string module_name(uint64_t address);

    // Problems met so far (missing files, build-id mismatches, no debug info), each once.
    std::vector<std::string> warnings() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace analyzer
