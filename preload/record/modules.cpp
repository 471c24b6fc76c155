#include "modules.h"

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <unistd.h>

#include "../hooks/loader_gate.h"
#include "../log/proc_files.h"
#include "../log/record_sink.h"

namespace shim {
namespace {

struct AddressRange {
    uint64_t start = 0;
    uint64_t end = 0;
};

// Lowest and highest address of an object's PT_LOAD segments.
AddressRange loaded_range(const dl_phdr_info* info) {
    AddressRange range{UINT64_MAX, 0};
    for (int i = 0; i < info->dlpi_phnum; ++i) {
        const ElfW(Phdr)& ph = info->dlpi_phdr[i];
        if (ph.p_type != PT_LOAD) continue;
        uint64_t lo = info->dlpi_addr + ph.p_vaddr;
        uint64_t hi = lo + ph.p_memsz;
        if (lo < range.start) range.start = lo;
        if (hi > range.end) range.end = hi;
    }
    if (range.start > range.end) range = {};
    return range;
}

// The GNU build-id note, if the object has one.
size_t build_id(const dl_phdr_info* info, const unsigned char** out) {
    for (int i = 0; i < info->dlpi_phnum; ++i) {
        const ElfW(Phdr)& ph = info->dlpi_phdr[i];
        if (ph.p_type != PT_NOTE) continue;
        auto* p = reinterpret_cast<const unsigned char*>(info->dlpi_addr + ph.p_vaddr);
        const unsigned char* end = p + ph.p_memsz;
        while (p + sizeof(ElfW(Nhdr)) <= end) {
            auto* note = reinterpret_cast<const ElfW(Nhdr)*>(p);
            const unsigned char* name = p + sizeof(ElfW(Nhdr));
            const unsigned char* desc = name + ((note->n_namesz + 3) & ~3u);
            if (desc + note->n_descsz > end) break;
            if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 && memcmp(name, "GNU", 4) == 0) {
                *out = desc;
                return note->n_descsz;
            }
            p = desc + ((note->n_descsz + 3) & ~3u);
        }
    }
    return 0;
}

int write_one_module(dl_phdr_info* info, size_t, void*) {
    AddressRange range = loaded_range(info);
    if (range.end == 0) return 0;
    const char* path = info->dlpi_name;
    if (path == nullptr || path[0] == '\0') path = self_exe_path();  // the main executable
    const unsigned char* id = nullptr;
    size_t id_len = build_id(info, &id);
    shimlog::ModuleRecord rec{};
    rec.start = range.start;
    rec.end = range.end;
    rec.load_bias = info->dlpi_addr;
    rec.build_id_len = static_cast<uint16_t>(id_len);
    size_t path_len = strnlen(path, 4096);
    rec.path_len = static_cast<uint16_t>(path_len);
    sink_record(shimlog::RecordType::Module, {{&rec, sizeof rec}, {id, id_len}, {path, path_len}});
    return 0;
}

AddressRange g_shim_range;
char g_shim_path[PATH_MAX];

struct ContainingObject {
    uint64_t address;
    AddressRange range;
    const char* name;
};

int find_containing(dl_phdr_info* info, size_t, void* data) {
    auto* wanted = static_cast<ContainingObject*>(data);
    AddressRange range = loaded_range(info);
    if (wanted->address < range.start || wanted->address >= range.end) return 0;
    wanted->range = range;
    wanted->name = info->dlpi_name ? info->dlpi_name : "";
    return 1;
}

void locate_shim() {
    if (g_shim_range.end != 0) return;
    ContainingObject self{reinterpret_cast<uint64_t>(&locate_shim), {}, nullptr};
    LoaderWalk walk;
    if (!walk.entered() || dl_iterate_phdr(find_containing, &self) == 0) return;
    g_shim_range = self.range;
    snprintf(g_shim_path, sizeof g_shim_path, "%s", self.name);
}

}  // namespace

void write_module_map() {
    LoaderWalk walk;
    if (walk.entered()) dl_iterate_phdr(write_one_module, nullptr);
}

bool shim_library_path(char* out, size_t cap) {
    locate_shim();
    if (g_shim_path[0] == '\0') return false;
    // The loader may have been given a relative path; /proc/<pid>/maps shows it resolved.
    if (realpath(g_shim_path, out) != nullptr && strlen(out) < cap) return true;
    snprintf(out, cap, "%s", g_shim_path);
    return true;
}

bool object_range(const void* addr, uint64_t* lo, uint64_t* hi) {
    ContainingObject object{reinterpret_cast<uint64_t>(addr), {}, nullptr};
    LoaderWalk walk;
    if (!walk.entered() || dl_iterate_phdr(find_containing, &object) == 0) return false;
    *lo = object.range.start;
    *hi = object.range.end;
    return true;
}

bool in_shim(uint64_t addr) {
    locate_shim();
    return addr >= g_shim_range.start && addr < g_shim_range.end;
}

}  // namespace shim
