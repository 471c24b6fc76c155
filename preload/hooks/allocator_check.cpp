// Who owns malloc? Another allocator preloaded before us (jemalloc, tcmalloc)
// or a sanitizer runtime changes what the allocation figures mean: say so in
// the log instead of letting the report look as if libc served them.
#include <cstring>
#include <dlfcn.h>

#include "../../format/log_format.h"
#include "interpose.h"
#include "../log/record_sink.h"

namespace shim {
namespace {

void note(shimlog::NoteKind kind, const char* text) {
    shimlog::NoteRecord rec{static_cast<uint16_t>(kind), static_cast<uint16_t>(strnlen(text, 1024))};
    arena_record(shimlog::RecordType::Note, {{&rec, sizeof rec}, {text, rec.text_len}});
}

}  // namespace

void check_allocator() {
    ReentryGuard guard;
    void* next_malloc = dlsym(RTLD_NEXT, "malloc");
    Dl_info info;  // dladdr scans the library's symbols: only when it is not libc's
    if (next_malloc != nullptr && !is_libc_definition("malloc", next_malloc) && dladdr(next_malloc, &info) != 0 &&
        info.dli_fname != nullptr) {
        const char* base = strrchr(info.dli_fname, '/');
        base = base ? base + 1 : info.dli_fname;
        if (strncmp(base, "libc.so", 7) != 0) note(shimlog::NoteKind::Allocator, info.dli_fname);
    }
    static const char* const sanitizers[][2] = {{"__asan_init", "AddressSanitizer"},
                                                {"__tsan_init", "ThreadSanitizer"},
                                                {"__msan_init", "MemorySanitizer"},
                                                {"__hwasan_init", "HWAddressSanitizer"}};
    for (const auto& sanitizer : sanitizers)
        if (dlsym(RTLD_DEFAULT, sanitizer[0]) != nullptr) note(shimlog::NoteKind::Sanitizer, sanitizer[1]);
}

}  // namespace shim
