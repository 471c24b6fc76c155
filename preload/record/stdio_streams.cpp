#include "stdio_streams.h"

#include <cstdio>
#include <dlfcn.h>
#include <link.h>
#include <sys/mman.h>
#include <unistd.h>

#include "io_stats.h"
#include "../hooks/loader_gate.h"

namespace shim {

__thread StdioCause t_stdio_cause __attribute__((tls_model("initial-exec"))) = {0, 0};

namespace {

using ReadEntry = ssize_t (*)(FILE*, void*, ssize_t);
using WriteEntry = ssize_t (*)(FILE*, const void*, ssize_t);

// Positions in struct _IO_jump_t (two size_t, then the functions in the
// order libio declares them: finish, overflow, underflow, uflow, pbackfail,
// xsputn, xsgetn, seekoff, seekpos, setbuf, sync, doallocate, read, write).
constexpr int kReadEntry = 14;
constexpr int kWriteEntry = 15;

ReadEntry g_file_read = nullptr;
WriteEntry g_file_write = nullptr;

StreamState state_of(FILE* stream) {
    constexpr int kUnbuffered = 0x0002, kLineBuffered = 0x0200;  // glibc's _IO_UNBUFFERED, _IO_LINE_BUF
    StreamState s{t_stdio_cause.call, 0, 0};
    s.buffering = static_cast<uint8_t>((stream->_flags & kUnbuffered)    ? shimlog::StreamBuffering::Unbuffered
                                       : (stream->_flags & kLineBuffered) ? shimlog::StreamBuffering::Line
                                                                          : shimlog::StreamBuffering::Full);
    if (stream->_IO_buf_end > stream->_IO_buf_base)
        s.buffer_size = static_cast<uint32_t>(stream->_IO_buf_end - stream->_IO_buf_base);
    return s;
}

// The program's call site: the hooked stdio call's, or (getc, putc, scanf,
// the flush at exit) the place in libc, whose stack leads to the program.
uint64_t site_of(void* in_libc) {
    return t_stdio_cause.call != 0 ? t_stdio_cause.site : reinterpret_cast<uint64_t>(in_libc);
}

ssize_t counted_read(FILE* stream, void* buffer, ssize_t size) {
    IoCall call(stream->_fileno, shimlog::Syscall::read, size > 0 ? uint64_t(size) : 0, -1,
                reinterpret_cast<void*>(site_of(__builtin_return_address(0))));
    call.made_by_stream(state_of(stream));
    ssize_t result = g_file_read(stream, buffer, size);
    call.finish(result);
    return result;
}

// glibc's entry loops over short writes: one call here is one write()
// unless the kernel took less than asked (a pipe with a slow reader).
ssize_t counted_write(FILE* stream, const void* data, ssize_t size) {
    IoCall call(stream->_fileno, shimlog::Syscall::write, size > 0 ? uint64_t(size) : 0, -1,
                reinterpret_cast<void*>(site_of(__builtin_return_address(0))));
    call.made_by_stream(state_of(stream));
    ssize_t result = g_file_write(stream, data, size);
    call.finish(result);
    return result;
}

// The protection the page at `address` has now: read-only in libc's RELRO
// (as the loader left it, whole pages only), else that of its PT_LOAD.
struct PageFinder {
    uintptr_t address;
    int prot = -1;
};

int find_protection(dl_phdr_info* info, size_t, void* data) {
    auto* find = static_cast<PageFinder*>(data);
    const uintptr_t page = sysconf(_SC_PAGESIZE);
    int load_prot = -1;
    bool in_relro = false;
    for (int i = 0; i < info->dlpi_phnum; ++i) {
        const ElfW(Phdr)& ph = info->dlpi_phdr[i];
        uintptr_t lo = info->dlpi_addr + ph.p_vaddr, hi = lo + ph.p_memsz;
        if (ph.p_type == PT_LOAD && find->address >= lo && find->address < hi)
            load_prot = ((ph.p_flags & PF_R) ? PROT_READ : 0) | ((ph.p_flags & PF_W) ? PROT_WRITE : 0) |
                        ((ph.p_flags & PF_X) ? PROT_EXEC : 0);
        if (ph.p_type == PT_GNU_RELRO && find->address >= (lo & ~(page - 1)) && find->address < (hi & ~(page - 1)))
            in_relro = true;
    }
    if (load_prot < 0) return 0;
    find->prot = in_relro ? PROT_READ : load_prot;
    return 1;
}

// Writes the two entries of one table; false (and nothing written) when its
// page cannot be made writable.
bool patch(void** table) {
    PageFinder find{reinterpret_cast<uintptr_t>(&table[kReadEntry])};
    LoaderWalk walk;
    if (walk.entered()) dl_iterate_phdr(find_protection, &find);
    if (find.prot < 0 || !(find.prot & PROT_READ)) return false;
    const uintptr_t page = sysconf(_SC_PAGESIZE);
    uintptr_t first = reinterpret_cast<uintptr_t>(&table[kReadEntry]) & ~(page - 1);
    uintptr_t last = (reinterpret_cast<uintptr_t>(&table[kWriteEntry + 1]) - 1) & ~(page - 1);
    void* start = reinterpret_cast<void*>(first);
    size_t length = last - first + page;
    bool writable = find.prot & PROT_WRITE;
    if (!writable && mprotect(start, length, find.prot | PROT_WRITE) != 0) return false;
    table[kReadEntry] = reinterpret_cast<void*>(counted_read);
    table[kWriteEntry] = reinterpret_cast<void*>(counted_write);
    if (!writable) mprotect(start, length, find.prot);
    return true;
}

}  // namespace

void stdio_streams_init() {
    ReentryGuard guard;
    ErrnoKeeper keep;
    void* libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
    if (libc == nullptr) return;
    auto* file_jumps = static_cast<void**>(dlsym(libc, "_IO_file_jumps"));
    auto* wide_jumps = static_cast<void**>(dlsym(libc, "_IO_wfile_jumps"));
    void* read_entry = dlsym(libc, "_IO_file_read");
    void* write_entry = dlsym(libc, "_IO_file_write");
    dlclose(libc);
    // Only a table laid out as expected: its entries are libc's read and
    // write functions, and stdout's table is it (the pointer after the FILE).
    if (file_jumps == nullptr || read_entry == nullptr || write_entry == nullptr) return;
    if (file_jumps[kReadEntry] != read_entry || file_jumps[kWriteEntry] != write_entry) return;
    if (*reinterpret_cast<void* const*>(reinterpret_cast<const char*>(stdout) + sizeof(FILE)) != file_jumps) return;
    g_file_read = reinterpret_cast<ReadEntry>(read_entry);
    g_file_write = reinterpret_cast<WriteEntry>(write_entry);
    if (!patch(file_jumps)) return;
    if (wide_jumps != nullptr && wide_jumps[kReadEntry] == read_entry && wide_jumps[kWriteEntry] == write_entry)
        patch(wide_jumps);
}

}  // namespace shim
