#include "interpose.h"

#include <dlfcn.h>
#include <unistd.h>

#include "shim_messages.h"

namespace shim {

__thread int t_guard_depth __attribute__((tls_model("initial-exec"))) = 0;

namespace {
thread_local uint32_t t_thread_id __attribute__((tls_model("initial-exec"))) = 0;
}  // namespace

uint32_t thread_id() {
    if (t_thread_id == 0) t_thread_id = static_cast<uint32_t>(gettid());
    return t_thread_id;
}

void forget_thread_id() { t_thread_id = 0; }

void* resolve_next(const char* name) {
    void* fn = dlsym(RTLD_NEXT, name);
    if (fn == nullptr) say("cannot find the real %s: %s", name, dlerror());
    return fn;
}

}  // namespace shim
