/* Where libc's code lies, for test programs whose signal handlers allocate:
   malloc is not async-signal-safe, so a handler that lands inside libc's own
   malloc corrupts the heap with or without the shim (signal_alloc crashed
   bare, 4 runs in 300 on a loaded machine). Such handlers allocate only when
   they interrupted code outside libc: the program itself, or the shim. */
#define _GNU_SOURCE
#include <link.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <ucontext.h>

static uintptr_t libc_lo, libc_hi;

static int find_libc(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    (void)data;
    if (strstr(info->dlpi_name, "/libc.so") == NULL) return 0;
    for (int i = 0; i < info->dlpi_phnum; ++i) {
        const ElfW(Phdr) *p = &info->dlpi_phdr[i];
        if (p->p_type != PT_LOAD || !(p->p_flags & PF_X)) continue;
        libc_lo = info->dlpi_addr + p->p_vaddr;
        libc_hi = libc_lo + p->p_memsz;
    }
    return 1;
}

static void find_libc_code(void) { dl_iterate_phdr(find_libc, NULL); }

/* True when the signal with this context interrupted libc's code. */
static int interrupted_libc(void *context) {
    uintptr_t pc = (uintptr_t)((ucontext_t *)context)->uc_mcontext.gregs[REG_RIP];
    return pc >= libc_lo && pc < libc_hi;
}
