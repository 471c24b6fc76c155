// Tests for analyzer::Symbolizer against the test binary's own process image.
#include <catch2/catch.hpp>

#include "../../analyzer/symbols/symbolize.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

using analyzer::ModuleInfo;
using analyzer::SourceLocation;
using analyzer::Symbolizer;

#ifdef __clang__
#define TEST_NOINLINE __attribute__((noinline))
#else
#define TEST_NOINLINE __attribute__((noinline, noclone))
#endif

namespace {

// ---- module map of this process (the shim has its own version) ----

std::string gnu_build_id(const dl_phdr_info* info) {
    for (int i = 0; i < info->dlpi_phnum; ++i) {
        const ElfW(Phdr)& ph = info->dlpi_phdr[i];
        if (ph.p_type != PT_NOTE) continue;
        const size_t align = ph.p_align == 8 ? 8 : 4;  // notes are 4-aligned unless the segment says 8
        auto pad = [align](size_t n) { return (n + align - 1) & ~(align - 1); };
        const char* p = reinterpret_cast<const char*>(info->dlpi_addr + ph.p_vaddr);
        const char* end = p + ph.p_memsz;
        while (p + sizeof(ElfW(Nhdr)) <= end) {
            auto* note = reinterpret_cast<const ElfW(Nhdr)*>(p);
            const char* name = p + sizeof(ElfW(Nhdr));
            const char* desc = name + pad(note->n_namesz);
            const char* next = desc + pad(note->n_descsz);
            if (next > end) break;
            if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 && std::memcmp(name, "GNU", 4) == 0)
                return std::string(desc, note->n_descsz);
            p = next;
        }
    }
    return {};
}

std::string self_exe_path() {
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

int add_module(dl_phdr_info* info, size_t, void* data) {
    auto* modules = static_cast<std::vector<ModuleInfo>*>(data);
    ModuleInfo m;
    m.load_bias = info->dlpi_addr;
    m.start = UINT64_MAX;
    const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
    for (int i = 0; i < info->dlpi_phnum; ++i) {
        const ElfW(Phdr)& ph = info->dlpi_phdr[i];
        if (ph.p_type != PT_LOAD) continue;
        m.start = std::min<uint64_t>(m.start, (info->dlpi_addr + ph.p_vaddr) & ~(page - 1));
        m.end = std::max<uint64_t>(m.end, info->dlpi_addr + ph.p_vaddr + ph.p_memsz);
    }
    if (m.start >= m.end) return 0;
    // The first entry, with an empty name, is the main executable.
    m.path = (info->dlpi_name == nullptr || info->dlpi_name[0] == '\0') && modules->empty()
                 ? self_exe_path()
                 : std::string(info->dlpi_name ? info->dlpi_name : "");
    m.build_id = gnu_build_id(info);
    modules->push_back(std::move(m));
    return 0;
}

std::vector<ModuleInfo> own_module_map() {
    std::vector<ModuleInfo> modules;
    dl_iterate_phdr(add_module, &modules);
    return modules;
}

std::string basename_of(const std::string& path) {
    return path.substr(path.find_last_of('/') + 1);
}

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// ---- code to symbolize ----

volatile uint64_t g_zero = 0;  // read after calls, so they cannot become tail calls

const int kTargetLine = __LINE__ + 1;
TEST_NOINLINE int symbolize_target_function(int x) { return x * 3 + static_cast<int>(g_zero); }

TEST_NOINLINE uint64_t capture_return_address() {
    return reinterpret_cast<uint64_t>(__builtin_return_address(0)) ^ g_zero;
}

TEST_NOINLINE uint64_t symbolize_caller_function(int* call_line) {
    uint64_t ra = capture_return_address(); *call_line = __LINE__;
    return ra ^ g_zero;
}

static inline __attribute__((always_inline)) uint64_t symbolize_inlined_helper(int* line) {
    uint64_t ra = capture_return_address(); *line = __LINE__;
    return ra ^ g_zero;
}

TEST_NOINLINE uint64_t symbolize_outer_function(int* inner_line, int* call_line) {
    uint64_t ra = symbolize_inlined_helper(inner_line); *call_line = __LINE__;
    return ra ^ g_zero;
}

const ModuleInfo* main_module(const std::vector<ModuleInfo>& modules) {
    return modules.empty() ? nullptr : &modules.front();
}

}  // namespace

TEST_CASE("symbolize: function address in the test binary") {
    std::vector<ModuleInfo> modules = own_module_map();
    const ModuleInfo* exe = main_module(modules);
    REQUIRE(exe != nullptr);
    INFO("main executable " << exe->path << ", load bias " << exe->load_bias);
    Symbolizer symbolizer(modules);
    const uint64_t address = reinterpret_cast<uint64_t>(&symbolize_target_function);
    const SourceLocation& loc = symbolizer.resolve(address, false);
    INFO(loc.describe());
    CHECK(loc.address == address);
    CHECK(loc.function.find("symbolize_target_function") != std::string::npos);
    CHECK(ends_with(loc.file, "test_symbolize.cpp"));
    CHECK(loc.line == kTargetLine);
    CHECK(loc.module == basename_of(exe->path));
    CHECK(loc.module_offset == address - exe->load_bias);
    CHECK(loc.symbol_offset == 0);
    CHECK(symbolizer.warnings().empty());
    // Cached: the same object comes back.
    CHECK(&symbolizer.resolve(address, false) == &loc);
}

TEST_CASE("symbolize: return address maps to the call line") {
    Symbolizer symbolizer(own_module_map());
    int call_line = 0;
    const uint64_t ra = symbolize_caller_function(&call_line);
    const SourceLocation& loc = symbolizer.resolve(ra);
    INFO(loc.describe());
    CHECK(loc.function.find("symbolize_caller_function") != std::string::npos);
    CHECK(ends_with(loc.file, "test_symbolize.cpp"));
    CHECK(loc.line == call_line);
    CHECK(loc.symbol_offset == ra - reinterpret_cast<uint64_t>(&symbolize_caller_function));
    CHECK(loc.describe().find("test_symbolize.cpp:" + std::to_string(call_line)) != std::string::npos);
}

TEST_CASE("symbolize: inlined function and its call site") {
    Symbolizer symbolizer(own_module_map());
    int inner_line = 0, call_line = 0;
    const uint64_t ra = symbolize_outer_function(&inner_line, &call_line);
    const SourceLocation& loc = symbolizer.resolve(ra);
    INFO(loc.describe());
    CHECK(loc.function.find("symbolize_inlined_helper") != std::string::npos);
    CHECK(loc.line == inner_line);
    REQUIRE(loc.inlined_by.size() == 1);
    CHECK(loc.inlined_by[0].function.find("symbolize_outer_function") != std::string::npos);
    CHECK(ends_with(loc.inlined_by[0].file, "test_symbolize.cpp"));
    CHECK(loc.inlined_by[0].line == call_line);
}

TEST_CASE("symbolize: address in libc") {
    void* libc = dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD);
    REQUIRE(libc != nullptr);
    // dlsym on libc's handle gives libc's own definition, not a canonical PLT
    // entry in a non-PIE executable.
    const uint64_t address = reinterpret_cast<uint64_t>(dlsym(libc, "getpid"));
    dlclose(libc);
    REQUIRE(address != 0);
    Symbolizer symbolizer(own_module_map());
    const SourceLocation& loc = symbolizer.resolve(address, false);
    INFO(loc.describe());
    CHECK(loc.module == "libc.so.6");
    CHECK(loc.function.find("getpid") != std::string::npos);
    CHECK(loc.symbol_offset == 0);
}

TEST_CASE("symbolize: address in no module") {
    Symbolizer symbolizer(own_module_map());
    const SourceLocation& loc = symbolizer.resolve(0x1234);
    CHECK(loc.module.empty());
    CHECK(loc.function.empty());
    CHECK(loc.describe() == "0x1234");
}

TEST_CASE("symbolize: wrong build-id falls back to module+offset") {
    std::vector<ModuleInfo> modules = own_module_map();
    REQUIRE(!modules.empty());
    REQUIRE(!modules.front().build_id.empty());
    modules.front().build_id[0] ^= 0x5a;
    const ModuleInfo exe = modules.front();
    Symbolizer symbolizer(modules);
    const uint64_t address = reinterpret_cast<uint64_t>(&symbolize_target_function);
    const SourceLocation& loc = symbolizer.resolve(address, false);
    CHECK(loc.function.empty());
    CHECK(loc.file.empty());
    CHECK(loc.module == basename_of(exe.path));
    char expected[64];
    std::snprintf(expected, sizeof expected, "+0x%llx", static_cast<unsigned long long>(address - exe.load_bias));
    CHECK(loc.describe() == basename_of(exe.path) + expected);
    symbolizer.resolve(address + 1);
    const std::vector<std::string> warnings = symbolizer.warnings();
    REQUIRE(warnings.size() == 1);  // once per module, not per address
    CHECK(warnings[0].find("build-id") != std::string::npos);
    CHECK(warnings[0].find(exe.path) != std::string::npos);
}

TEST_CASE("symbolize: missing file and pseudo modules") {
    std::vector<ModuleInfo> modules;
    modules.push_back({0x10000, 0x20000, 0x10000, "/nonexistent/libgone.so", ""});
    modules.push_back({0x30000, 0x31000, 0x30000, "[vdso]", ""});
    modules.push_back({0x40000, 0x41000, 0x40000, "", ""});
    Symbolizer symbolizer(modules);
    CHECK(symbolizer.resolve(0x10123).describe() == "libgone.so+0x123");
    CHECK(symbolizer.resolve(0x30010).describe() == "[vdso]+0x10");
    CHECK(symbolizer.resolve(0x40010).describe() == "0x40010");
    const std::vector<std::string> warnings = symbolizer.warnings();
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].find("/nonexistent/libgone.so") != std::string::npos);
}

TEST_CASE("symbolize: garbage input does not crash") {
    std::vector<ModuleInfo> modules = own_module_map();
    const std::string exe = modules.empty() ? std::string("/proc/self/exe") : modules.front().path;
    modules.push_back({0, UINT64_MAX, 0, exe, ""});                      // covers everything
    modules.push_back({0x5000, 0x1000, 0, "/bin/sh", ""});                // inverted range
    modules.push_back({0x7000, 0x7000, 0, "", ""});                       // empty range, no path
    modules.push_back({0x100, 0x200, UINT64_MAX, "/dev/null", "xyz"});    // not an ELF file
    modules.push_back({0x100, 0x180, 0x50, "/", ""});                     // a directory, overlapping
    modules.push_back({UINT64_MAX - 0x10, UINT64_MAX, 0, "/etc/passwd", ""});
    Symbolizer symbolizer(modules);
    for (bool return_address : {true, false}) {
        for (uint64_t address : {uint64_t{0}, uint64_t{1}, uint64_t{0x150}, uint64_t{0x1500},
                                 uint64_t{0x7000}, UINT64_MAX - 1, UINT64_MAX}) {
            const SourceLocation& loc = symbolizer.resolve(address, return_address);
            CHECK(loc.address == address);
            CHECK(!loc.describe().empty());
        }
    }
    Symbolizer empty({});
    CHECK(empty.resolve(0).describe() == "0x0");
    CHECK(empty.resolve(UINT64_MAX).describe() == "0xffffffffffffffff");
    CHECK(empty.warnings().empty());
}

TEST_CASE("symbolize: describe() fallbacks") {
    SourceLocation loc;
    loc.address = 0x7f0000001234;
    CHECK(loc.describe() == "0x7f0000001234");
    loc.module = "libfoo.so";
    loc.module_offset = 0x1234;
    CHECK(loc.describe() == "libfoo.so+0x1234");
    loc.function = "foo(int)";
    loc.symbol_offset = 0x12;
    CHECK(loc.describe() == "foo(int)+0x12 (libfoo.so)");
    loc.file = "/src/dir/words.cpp";
    loc.line = 31;
    CHECK(loc.describe() == "foo(int) at /src/dir/words.cpp:31");
}
