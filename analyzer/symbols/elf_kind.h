// What kind of program an executable is, as far as LD_PRELOAD is concerned:
// a static binary never loads the shim (the dynamic loader, which reads
// LD_PRELOAD, is not involved), and a Go binary makes its own syscalls, so
// the shim sees only what goes through libc (cgo).
#pragma once
#include <string>

namespace analyzer {

enum class ElfKind {
    NotElf,   // missing, unreadable, or not ELF (a script: its interpreter runs)
    Dynamic,  // has a PT_INTERP: the loader runs and honours LD_PRELOAD
    Static,   // no PT_INTERP: nothing will load the shim
    Go,       // built by the Go toolchain (static or dynamic)
};

ElfKind elf_kind(const std::string& path);
const char* elf_kind_name(ElfKind kind);  // "not-elf", "dynamic", "static", "go"

// One line saying what the shim cannot see in such a program; empty when it
// sees everything it normally does.
std::string preload_blind_spot(ElfKind kind, const std::string& path);

}  // namespace analyzer
