// Offline symbolization with elfutils libdwfl: one Dwfl session per module,
// opened lazily on first use, so broken or overlapping module records cannot
// affect each other and untouched modules are never read.
#include "symbolize.h"

#include <sys/stat.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <set>
#include <unordered_map>
#include <utility>

#include "demangle.h"

namespace analyzer {
namespace {

std::string hex(uint64_t value) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%" PRIx64, value);
    return buf;
}

std::string basename_of(const std::string& path) {
    size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Mappings with no file behind them: "[vdso]", "[heap]", the vdso as named by
// dl_iterate_phdr, or nothing at all. They get module+offset, never a warning.
bool is_pseudo_path(const std::string& path) {
    return path.empty() || path[0] == '[' || path.rfind("linux-vdso", 0) == 0 ||
           path.rfind("linux-gate", 0) == 0;
}

std::string hex_bytes(const std::string& bytes) {
    std::string out;
    char buf[3];
    for (unsigned char c : bytes) {
        std::snprintf(buf, sizeof buf, "%02x", c);
        out += buf;
    }
    return out.empty() ? "(none)" : out;
}

// Name of a subprogram or inlined_subroutine DIE. dwarf_attr_integrate follows
// DW_AT_abstract_origin/DW_AT_specification, where inlined copies keep their names.
// A C++ or Rust linkage name demangles to the full name; any other linkage name
// is an asm label (glibc's "__GI_..." aliases), so the source name reads better.
std::string die_function_name(Dwarf_Die* die) {
    Dwarf_Attribute attr;
    for (int name_attr : {DW_AT_linkage_name, DW_AT_MIPS_linkage_name}) {
        const char* s = dwarf_attr_integrate(die, name_attr, &attr) ? dwarf_formstring(&attr) : nullptr;
        if (s != nullptr && s[0] == '_' && (s[1] == 'Z' || s[1] == 'R')) return demangle_symbol(s);
    }
    if (const char* s = dwarf_attr_integrate(die, DW_AT_name, &attr) ? dwarf_formstring(&attr) : nullptr)
        return s;
    return {};
}

struct Symbol {
    GElf_Addr address, size;  // runtime address
    const char* name;         // owned by libelf, valid while the Dwfl is open
    int rank;                 // among aliases prefer "malloc" to "__libc_malloc", then global
};

struct CodeRange {
    Dwarf_Addr low, high;  // DWARF addresses, [low, high)
    Dwarf_Die die;
};

void add_ranges(Dwarf_Die* die, std::vector<CodeRange>& out) {
    Dwarf_Addr base = 0, low = 0, high = 0;
    for (ptrdiff_t it = 0; (it = dwarf_ranges(die, it, &base, &low, &high)) > 0;)
        if (low < high) out.push_back({low, high, *die});
}

void sort_ranges(std::vector<CodeRange>& ranges) {
    std::sort(ranges.begin(), ranges.end(),
              [](const CodeRange& a, const CodeRange& b) { return a.low < b.low; });
}

const CodeRange* find_range(const std::vector<CodeRange>& sorted, Dwarf_Addr address) {
    auto after = std::upper_bound(sorted.begin(), sorted.end(), address,
                                  [](Dwarf_Addr a, const CodeRange& r) { return a < r.low; });
    if (after == sorted.begin() || address >= std::prev(after)->high) return nullptr;
    return &*std::prev(after);
}

// Every subprogram with code below `parent`: clang nests definitions inside
// namespace DIEs, and local classes/lambdas can nest them in other functions.
void collect_functions(Dwarf_Die* parent, std::vector<CodeRange>& out, int depth) {
    Dwarf_Die child;
    if (depth > 64 || dwarf_child(parent, &child) != 0) return;
    do {
        if (dwarf_tag(&child) == DW_TAG_subprogram) add_ranges(&child, out);
        collect_functions(&child, out, depth + 1);
    } while (dwarf_siblingof(&child, &child) == 0);
}

// The subprogram and the inlined copies inside it that contain pc, innermost
// first, found by descending into the child scope (block or inlined copy) holding pc.
std::vector<Dwarf_Die> function_chain(Dwarf_Die subprogram, Dwarf_Addr pc) {
    std::vector<Dwarf_Die> chain{subprogram};
    Dwarf_Die scope = subprogram, child;
    for (int depth = 0; depth < 64 && dwarf_child(&scope, &child) == 0; ++depth) {
        while (dwarf_haspc(&child, pc) != 1)
            if (dwarf_siblingof(&child, &child) != 0) return {chain.rbegin(), chain.rend()};
        if (dwarf_tag(&child) == DW_TAG_inlined_subroutine) chain.push_back(child);
        scope = child;
    }
    return {chain.rbegin(), chain.rend()};
}

bool exists(const std::string& path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// A separate debug file on this machine, where libdwfl's standard search
// looks: /usr/lib/debug/.build-id/xx/yyyy.debug, or the .gnu_debuglink name
// beside the file, in its .debug/ or under /usr/lib/debug.
bool has_local_debug_file(Dwfl_Module* mod, const char* file_name, const char* debuglink) {
    const unsigned char* bits = nullptr;
    GElf_Addr vaddr = 0;
    int len = dwfl_module_build_id(mod, &bits, &vaddr);
    if (len > 1) {
        std::string path = "/usr/lib/debug/.build-id/";
        char hex[3];
        for (int i = 0; i < len; ++i) {
            snprintf(hex, sizeof hex, "%02x", bits[i]);
            path += hex;
            if (i == 0) path += "/";
        }
        if (exists(path + ".debug")) return true;
    }
    if (debuglink == nullptr || file_name == nullptr) return false;
    std::string dir = file_name;
    dir = dir.substr(0, dir.rfind('/') + 1);
    return exists(dir + debuglink) || exists(dir + ".debug/" + debuglink) ||
           exists("/usr/lib/debug" + dir + debuglink);
}

// The standard search, but only when a local file is there to find: after a
// miss it would fall back to debuginfod, whose client library alone (curl,
// gnutls, kerberos, ...) takes longer to load than a whole report, and which
// may reach the network. A user who set DEBUGINFOD_URLS gets it.
int find_debuginfo(Dwfl_Module* mod, void** userdata, const char* modname, Dwarf_Addr base, const char* file_name,
                   const char* debuglink_file, GElf_Word debuglink_crc, char** debuginfo_file_name) {
    const char* urls = getenv("DEBUGINFOD_URLS");
    if ((urls == nullptr || *urls == '\0') && !has_local_debug_file(mod, file_name, debuglink_file)) return -1;
    return dwfl_standard_find_debuginfo(mod, userdata, modname, base, file_name, debuglink_file, debuglink_crc,
                                        debuginfo_file_name);
}

// Fallback session settings: find_elf is not used for files we open ourselves,
// find_debuginfo finds /usr/lib/debug/.build-id/... and .gnu_debuglink files.
char* g_debuginfo_path = nullptr;  // nullptr = libdwfl's default search path
const Dwfl_Callbacks g_callbacks = {
    dwfl_build_id_find_elf,
    find_debuginfo,
    dwfl_offline_section_address,
    &g_debuginfo_path,
};

// The static address of a variable whose location is one DW_OP_addr (or, in
// split or DWARF 5 units, DW_OP_addrx): globals and statics, not locals.
bool variable_address(Dwarf_Die* die, Dwarf_Addr* address) {
    Dwarf_Attribute attr;
    Dwarf_Op* expr = nullptr;
    size_t len = 0;
    if (dwarf_attr(die, DW_AT_location, &attr) == nullptr || dwarf_getlocation(&attr, &expr, &len) != 0 ||
        len != 1)
        return false;
    if (expr[0].atom == DW_OP_addr) {
        *address = expr[0].number;
        return true;
    }
    Dwarf_Attribute indexed;
    return (expr[0].atom == DW_OP_addrx || expr[0].atom == DW_OP_GNU_addr_index) &&
           dwarf_getlocation_attr(&attr, expr, &indexed) == 0 && dwarf_formaddr(&indexed, address) == 0;
}

void collect_variables(Dwarf_Die* parent, std::unordered_map<Dwarf_Addr, std::string>& out, int depth) {
    Dwarf_Die child;
    if (depth > 64 || dwarf_child(parent, &child) != 0) return;
    do {
        Dwarf_Addr address = 0;
        if (dwarf_tag(&child) == DW_TAG_variable && variable_address(&child, &address))
            if (const char* file = dwarf_decl_file(&child)) out.emplace(address, file);
        collect_variables(&child, out, depth + 1);
    } while (dwarf_siblingof(&child, &child) == 0);
}

}  // namespace

std::string SourceLocation::describe() const {
    if (!function.empty() && !file.empty() && line > 0)
        return function + " at " + file + ":" + std::to_string(line);
    if (!function.empty() && !module.empty())
        return function + "+" + hex(symbol_offset) + " (" + module + ")";
    if (!module.empty()) return module + "+" + hex(module_offset);
    return hex(address);
}

struct Symbolizer::Impl {
    struct Module {
        ModuleInfo info;
        bool opened = false;         // tried to open (once)
        Dwfl* dwfl = nullptr;        // null if the file is unusable
        Dwfl_Module* mod = nullptr;
        bool warned_no_dwarf = false;
        bool symbols_loaded = false;
        std::vector<Symbol> symbols;       // function symbols, sorted; see find_symbol
        bool cu_ranges_built = false;
        std::vector<CodeRange> cu_ranges;  // sorted by low; see find_cu
        // Per unit: the functions with code, sorted by low.
        std::unordered_map<const Dwarf_CU*, std::vector<CodeRange>> functions;
        bool variables_built = false;
        std::unordered_map<Dwarf_Addr, std::string> variable_files;  // DWARF address -> declaring file
    };
    std::vector<Module> modules;
    // Keyed by (address, return_address); node-based, so references stay valid.
    std::unordered_map<uint64_t, SourceLocation> cache[2];
    std::vector<std::string> warnings;
    std::set<std::string> warned;

    void warn(const std::string& text) {
        if (warned.insert(text).second) warnings.push_back(text);
    }

    // Narrowest module containing the address: with overlapping records the
    // smaller one is the more specific.
    Module* find_module(uint64_t address) {
        Module* best = nullptr;
        for (Module& m : modules) {
            if (m.info.start >= m.info.end || address < m.info.start || address >= m.info.end)
                continue;
            if (best == nullptr || m.info.end - m.info.start < best->info.end - best->info.start)
                best = &m;
        }
        return best;
    }

    void open(Module& m) {
        m.opened = true;
        const std::string& path = m.info.path;
        if (is_pseudo_path(path)) return;
        // The path comes from an untrusted log: open regular files only (a
        // device or a FIFO named there could block the analyzer for ever).
        struct stat st;
        if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
            warn("cannot open " + path + " (not a regular file): its frames are shown as module+offset");
            return;
        }
        m.dwfl = dwfl_begin(&g_callbacks);
        if (m.dwfl == nullptr) return;
        dwfl_report_begin(m.dwfl);
        // add_p_vaddr=true makes BASE the load bias (runtime = vaddr + base),
        // which is what was recorded; false would make BASE the start address.
        // For ET_EXEC, libdwfl ignores BASE and uses bias 0.
        m.mod = dwfl_report_elf(m.dwfl, basename_of(path).c_str(), path.c_str(), -1,
                                m.info.load_bias, true);
        dwfl_report_end(m.dwfl, nullptr, nullptr);
        if (m.mod == nullptr) {
            warn("cannot open " + path + " (" + dwfl_errmsg(-1) + "): its frames are shown as module+offset");
            close(m);
            return;
        }
        if (!m.info.build_id.empty()) {
            const unsigned char* bits = nullptr;
            GElf_Addr vaddr = 0;
            int len = dwfl_module_build_id(m.mod, &bits, &vaddr);
            std::string actual = len > 0 ? std::string(reinterpret_cast<const char*>(bits), len) : "";
            if (actual != m.info.build_id) {
                warn("build-id of " + path + " (" + hex_bytes(actual) + ") differs from the recorded one (" +
                     hex_bytes(m.info.build_id) + "): its frames are shown as module+offset");
                close(m);
            }
        }
    }

    static void close(Module& m) {
        if (m.dwfl != nullptr) dwfl_end(m.dwfl);
        m.dwfl = nullptr;
        m.mod = nullptr;
    }

    // dwfl_module_addrinfo scans the whole symbol table on each call (~100us
    // with libc's debug symbols), so sort the function symbols once instead.
    static const Symbol* find_symbol(Module& m, GElf_Addr pc) {
        if (!m.symbols_loaded) {
            m.symbols_loaded = true;
            int count = dwfl_module_getsymtab(m.mod);
            for (int i = 1; i < count; ++i) {
                GElf_Sym sym;
                GElf_Addr address = 0;
                GElf_Word section = 0;
                const char* name = dwfl_module_getsym_info(m.mod, i, &sym, &address, &section, nullptr, nullptr);
                int type = GELF_ST_TYPE(sym.st_info), bind = GELF_ST_BIND(sym.st_info);
                if (name == nullptr || *name == '\0' || section == SHN_UNDEF || section == GElf_Word(-1) ||
                    (type != STT_FUNC && type != STT_GNU_IFUNC))
                    continue;
                int underscores = 0;
                while (underscores < 3 && name[underscores] == '_') ++underscores;
                int binding = bind == STB_GLOBAL ? 2 : bind == STB_WEAK ? 1 : 0;
                m.symbols.push_back({address, sym.st_size, name, (3 - underscores) * 4 + binding});
            }
            // Among aliases the global one sorts last, so the backward search meets it first.
            std::sort(m.symbols.begin(), m.symbols.end(), [](const Symbol& a, const Symbol& b) {
                return a.address != b.address ? a.address < b.address : a.rank < b.rank;
            });
        }
        auto after = std::upper_bound(m.symbols.begin(), m.symbols.end(), pc,
                                      [](GElf_Addr a, const Symbol& sym) { return a < sym.address; });
        for (auto it = after; it != m.symbols.begin() && after - it < 16;)
            if (--it, pc - it->address < it->size) return &*it;
        // A sizeless symbol (hand-written assembly) covers up to the next symbol.
        if (after != m.symbols.begin() && std::prev(after)->size == 0) return &*std::prev(after);
        return nullptr;
    }

    // dwfl_module_addrdie (and dwfl_module_getsrc) trust .debug_aranges alone,
    // which clang does not emit by default: without it, or with an incomplete one
    // (mixed gcc/clang objects), libdw 0.188 finds no CU. Then search a table of
    // the CUs' own DW_AT_ranges, built once per module.
    static Dwarf_Die* find_cu(Module& m, Dwarf_Addr pc, Dwarf_Addr* bias) {
        if (Dwarf_Die* cu = dwfl_module_addrdie(m.mod, pc, bias)) return cu;
        if (dwfl_module_getdwarf(m.mod, bias) == nullptr) return nullptr;
        if (!m.cu_ranges_built) {
            m.cu_ranges_built = true;
            Dwarf_Addr cu_bias = 0;
            for (Dwarf_Die* cu = nullptr; (cu = dwfl_module_nextcu(m.mod, cu, &cu_bias)) != nullptr;)
                add_ranges(cu, m.cu_ranges);
            sort_ranges(m.cu_ranges);
        }
        const CodeRange* found = find_range(m.cu_ranges, pc - *bias);
        return found != nullptr ? const_cast<Dwarf_Die*>(&found->die) : nullptr;
    }

    // A stripped object keeps only .dynsym: its internal functions have no names.
    static bool has_symbol_table(Dwfl_Module* mod) {
        Dwarf_Addr bias = 0;
        Elf* elf = dwfl_module_getelf(mod, &bias);
        if (elf == nullptr) return false;
        for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn != nullptr; scn = elf_nextscn(elf, scn)) {
            GElf_Shdr header;
            if (gelf_getshdr(scn, &header) != nullptr && header.sh_type == SHT_SYMTAB) return true;
        }
        return false;
    }

    // Fills function, file:line and the inline chain from DWARF. Returns the
    // runtime start of the function's code range holding pc, or 0.
    uint64_t resolve_dwarf(Module& m, uint64_t pc, SourceLocation& loc) {
        Dwarf_Addr bias = 0;
        if (dwfl_module_getdwarf(m.mod, &bias) == nullptr) {
            if (!m.warned_no_dwarf)
                warn(has_symbol_table(m.mod)
                         ? "no debug info for " + m.info.path + ": only function names, no file:line"
                         : m.info.path + " is stripped (no debug info, no symbol table): only its exported "
                                         "functions are named, the rest are shown as module+offset");
            m.warned_no_dwarf = true;
            return 0;
        }
        Dwarf_Die* cu = find_cu(m, pc, &bias);
        if (cu == nullptr) return 0;
        if (Dwarf_Line* line = dwarf_getsrc_die(cu, pc - bias)) {
            int lineno = 0;
            const char* file = dwarf_linesrc(line, nullptr, nullptr);
            if (file != nullptr && dwarf_lineno(line, &lineno) == 0) {
                loc.file = file;
                loc.line = lineno;
            }
        }
        // Our own walk instead of dwarf_getscopes, which in libdw 0.188 fails on
        // clang's DWARF 5 ("no address value").
        // With split DWARF the functions and call-site files are in the .dwo unit.
        Dwarf_Die unit = *cu, split;
        uint8_t unit_type = 0;
        if (dwarf_cu_info(cu->cu, nullptr, &unit_type, nullptr, &split, nullptr, nullptr, nullptr) == 0 &&
            unit_type == DW_UT_skeleton && split.cu != nullptr)
            unit = split;
        auto index = m.functions.find(unit.cu);
        if (index == m.functions.end()) {
            std::vector<CodeRange> list;
            collect_functions(&unit, list, 0);
            sort_ranges(list);
            index = m.functions.emplace(unit.cu, std::move(list)).first;
        }
        const CodeRange* function = find_range(index->second, pc - bias);
        if (function == nullptr) return 0;
        std::vector<Dwarf_Die> chain = function_chain(function->die, pc - bias);

        Dwarf_Files* files = nullptr;
        size_t nfiles = 0;
        if (dwarf_getsrcfiles(&unit, &files, &nfiles) != 0) files = nullptr;
        SourceLocation* frame = &loc;  // receives the name of the next function DIE
        for (Dwarf_Die& die_ref : chain) {
            Dwarf_Die* die = &die_ref;  // libdw wants non-const pointers
            frame->function = die_function_name(die);
            if (dwarf_tag(die) == DW_TAG_subprogram) break;  // the out-of-line function
            // The inlined copy's call site is the location in the caller.
            SourceLocation caller;
            caller.address = loc.address;
            caller.module = loc.module;
            caller.module_offset = loc.module_offset;
            Dwarf_Attribute attr;
            Dwarf_Word file_index = 0, call_line = 0;
            if (files != nullptr && dwarf_attr(die, DW_AT_call_file, &attr) != nullptr &&
                dwarf_formudata(&attr, &file_index) == 0 && file_index < nfiles)
                if (const char* f = dwarf_filesrc(files, file_index, nullptr, nullptr)) caller.file = f;
            if (dwarf_attr(die, DW_AT_call_line, &attr) != nullptr && dwarf_formudata(&attr, &call_line) == 0)
                caller.line = static_cast<int>(call_line);
            loc.inlined_by.push_back(std::move(caller));
            frame = &loc.inlined_by.back();
        }
        return function->low + bias;
    }

    void resolve_in_module(Module& m, uint64_t pc, SourceLocation& loc) {
        if (!m.opened) open(m);
        if (m.mod == nullptr || dwfl_addrmodule(m.dwfl, pc) != m.mod) return;
        // ELF symbol first: it names the out-of-line function and gives the offset.
        std::string symbol_name;
        const Symbol* symbol = find_symbol(m, pc);
        if (symbol != nullptr) symbol_name = demangle_symbol(symbol->name);
        uint64_t dwarf_start = resolve_dwarf(m, pc, loc);
        // Offsets count from the recorded address, like other profilers show them.
        if (symbol != nullptr) loc.symbol_offset = loc.address - symbol->address;
        else if (dwarf_start != 0) loc.symbol_offset = loc.address - dwarf_start;
        // The out-of-line function takes the ELF symbol's name when there is one:
        // it has clone suffixes like "[clone .cold]" that DWARF lacks.
        SourceLocation& outermost = loc.inlined_by.empty() ? loc : loc.inlined_by.back();
        if (!symbol_name.empty()) outermost.function = symbol_name;
        for (SourceLocation& caller : loc.inlined_by) caller.symbol_offset = loc.symbol_offset;
    }
};

Symbolizer::Symbolizer(std::vector<ModuleInfo> modules) : impl_(new Impl) {
    for (ModuleInfo& info : modules) {
        Impl::Module m;
        m.info = std::move(info);
        impl_->modules.push_back(std::move(m));
    }
}

Symbolizer::~Symbolizer() {
    for (Impl::Module& m : impl_->modules) Impl::close(m);
}

const SourceLocation& Symbolizer::resolve(uint64_t address, bool return_address) {
    auto& cache = impl_->cache[return_address ? 1 : 0];
    auto found = cache.find(address);
    if (found != cache.end()) return found->second;
    SourceLocation& loc = cache[address];
    loc.address = address;
    if (Impl::Module* m = impl_->find_module(address)) {
        loc.module = basename_of(m->info.path);
        loc.module_offset = address - m->info.load_bias;
        // A return address points after the call; address-1 lies inside it.
        uint64_t pc = (return_address && address > m->info.start) ? address - 1 : address;
        impl_->resolve_in_module(*m, pc, loc);
    }
    return loc;
}

DataSymbol Symbolizer::data_symbol(uint64_t address) {
    DataSymbol found;
    Impl::Module* m = impl_->find_module(address);
    if (m == nullptr) return found;
    found.module = basename_of(m->info.path);
    if (!m->opened) impl_->open(*m);
    if (m->mod == nullptr || dwfl_addrmodule(m->dwfl, address) != m->mod) return found;
    GElf_Off offset = 0;
    GElf_Sym sym;
    const char* name = dwfl_module_addrinfo(m->mod, address, &offset, &sym, nullptr, nullptr, nullptr);
    int type = name != nullptr ? GELF_ST_TYPE(sym.st_info) : STT_NOTYPE;
    if (name == nullptr || (type != STT_OBJECT && type != STT_TLS) || offset >= std::max<GElf_Xword>(sym.st_size, 1))
        return found;
    found.name = demangle_symbol(name);
    found.offset = offset;
    Dwarf_Addr bias = 0;
    if (dwfl_module_getdwarf(m->mod, &bias) == nullptr) return found;
    if (!m->variables_built) {
        m->variables_built = true;
        Dwarf_Addr cu_bias = 0;
        for (Dwarf_Die* cu = nullptr; (cu = dwfl_module_nextcu(m->mod, cu, &cu_bias)) != nullptr;)
            collect_variables(cu, m->variable_files, 0);
    }
    auto file = m->variable_files.find(address - offset - bias);
    if (file != m->variable_files.end()) found.file = file->second;
    return found;
}

std::string Symbolizer::module_name(uint64_t address) {
    Impl::Module* m = impl_->find_module(address);
    return m ? basename_of(m->info.path) : std::string();
}

std::vector<std::string> Symbolizer::warnings() const { return impl_->warnings; }

}  // namespace analyzer
