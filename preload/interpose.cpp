#include "interpose.h"

#include <dlfcn.h>

#include "shim_messages.h"

namespace shim {

thread_local int t_guard_depth __attribute__((tls_model("initial-exec"))) = 0;

void* resolve_next(const char* name) {
    void* fn = dlsym(RTLD_NEXT, name);
    if (fn == nullptr) say("cannot find the real %s: %s", name, dlerror());
    return fn;
}

}  // namespace shim
