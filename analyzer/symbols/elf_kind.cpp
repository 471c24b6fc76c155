#include "elf_kind.h"

#include <cstring>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

namespace analyzer {
namespace {

constexpr unsigned kGoBuildIdNote = 4;  // the Go linker's note type, named "Go"

bool has_interpreter(Elf* elf) {
    size_t count = 0;
    if (elf_getphdrnum(elf, &count) != 0) return false;
    for (size_t i = 0; i < count; ++i) {
        GElf_Phdr phdr;
        if (gelf_getphdr(elf, int(i), &phdr) != nullptr && phdr.p_type == PT_INTERP) return true;
    }
    return false;
}

bool has_go_note(Elf_Data* data) {
    GElf_Nhdr note;
    size_t offset = 0, name_at = 0, desc_at = 0;
    while ((offset = gelf_getnote(data, offset, &note, &name_at, &desc_at)) > 0) {
        const char* name = static_cast<const char*>(data->d_buf) + name_at;
        if (note.n_type == kGoBuildIdNote && note.n_namesz == 3 && memcmp(name, "Go", 3) == 0) return true;
    }
    return false;
}

bool has_symbol(Elf* elf, Elf_Scn* section, const GElf_Shdr& header, const char* wanted) {
    Elf_Data* data = elf_getdata(section, nullptr);
    if (data == nullptr || header.sh_entsize == 0) return false;
    size_t count = header.sh_size / header.sh_entsize;
    for (size_t i = 0; i < count; ++i) {
        GElf_Sym sym;
        if (gelf_getsym(data, int(i), &sym) == nullptr) break;
        const char* name = elf_strptr(elf, header.sh_link, sym.st_name);
        if (name != nullptr && strcmp(name, wanted) == 0) return true;
    }
    return false;
}

// Any one of the Go toolchain's marks: the .go.buildinfo section (Go 1.13+),
// the "Go" build-id note, or the runtime's version string symbol.
bool is_go(Elf* elf) {
    size_t names = 0;
    if (elf_getshdrstrndx(elf, &names) != 0) return false;
    for (Elf_Scn* section = elf_nextscn(elf, nullptr); section != nullptr; section = elf_nextscn(elf, section)) {
        GElf_Shdr header;
        if (gelf_getshdr(section, &header) == nullptr) continue;
        const char* name = elf_strptr(elf, names, header.sh_name);
        if (name != nullptr && strcmp(name, ".go.buildinfo") == 0) return true;
        if (header.sh_type == SHT_NOTE) {
            Elf_Data* data = elf_getdata(section, nullptr);
            if (data != nullptr && has_go_note(data)) return true;
        }
        if (header.sh_type == SHT_SYMTAB && has_symbol(elf, section, header, "runtime.buildVersion")) return true;
    }
    return false;
}

}  // namespace

ElfKind elf_kind(const std::string& path) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ElfKind::NotElf;
    elf_version(EV_CURRENT);
    ElfKind kind = ElfKind::NotElf;
    Elf* elf = elf_begin(fd, ELF_C_READ_MMAP, nullptr);
    if (elf != nullptr && ::elf_kind(elf) == ELF_K_ELF) {
        if (is_go(elf))
            kind = ElfKind::Go;
        else
            kind = has_interpreter(elf) ? ElfKind::Dynamic : ElfKind::Static;
    }
    if (elf != nullptr) elf_end(elf);
    close(fd);
    return kind;
}

const char* elf_kind_name(ElfKind kind) {
    switch (kind) {
        case ElfKind::NotElf: return "not-elf";
        case ElfKind::Dynamic: return "dynamic";
        case ElfKind::Static: return "static";
        case ElfKind::Go: return "go";
    }
    return "?";
}

std::string preload_blind_spot(ElfKind kind, const std::string& path) {
    if (kind == ElfKind::Static)
        return path + " is statically linked: the loader ignores LD_PRELOAD for it, so the shim cannot see "
                      "its libc calls (no log will be written)";
    if (kind == ElfKind::Go)
        return path + " is a Go program: Go's runtime makes its reads, writes and allocations with direct "
                      "syscalls, which LD_PRELOAD cannot see; only calls made through libc (cgo) are counted";
    return "";
}

}  // namespace analyzer
