// unshare and setns: calls the kernel refuses (EINVAL) to a process of more
// than one thread when they move it into a user namespace or unshare its
// memory, signal handlers or thread group. A program that is one thread may
// make them; the shim's sampler thread (started at once in a controlled
// process, SHIM_START or SHIM_PERIOD) must not make it two. So the sampler
// steps aside around such a call when it is the only other thread
// (sampler.h), and the call gets exactly what it gets without the shim.
#include <sched.h>

#include "../record/sampler.h"
#include "interpose.h"

using shim::RealFunction;

namespace {

constexpr int kOneThreadOnly = CLONE_NEWUSER | CLONE_THREAD | CLONE_SIGHAND | CLONE_VM;

// setns: a user namespace's descriptor (nstype 0 takes any kind), or a
// pidfd with CLONE_NEWUSER among its flags.
bool setns_may_need_one_thread(int nstype) { return nstype == 0 || (nstype & CLONE_NEWUSER) != 0; }

template <typename Call>
int with_sampler_aside(bool needs_one_thread, Call call) {
    bool aside = needs_one_thread && shim::sampler_step_aside();
    int result = call();
    if (aside) shim::sampler_come_back();  // keeps errno
    return result;
}

}  // namespace

extern "C" {
#pragma GCC visibility push(default)  // the hooks: what the program links to

int unshare(int flags) {
    static RealFunction<int (*)(int)> real("unshare");
    return with_sampler_aside((flags & kOneThreadOnly) != 0, [flags] { return real.get()(flags); });
}

int setns(int fd, int nstype) {
    static RealFunction<int (*)(int, int)> real("setns");
    return with_sampler_aside(setns_may_need_one_thread(nstype), [fd, nstype] { return real.get()(fd, nstype); });
}

#pragma GCC visibility pop
}  // extern "C"
