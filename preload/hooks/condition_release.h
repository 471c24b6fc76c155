// What a condition wait does to its mutex, told to the waits record: glibc
// releases it inside the wait, where the unlock hook does not see it, so the
// release is published as the unlock's would be (the wait's site is where the
// holder let go) and the holder's timed hold ends there. Shared by the POSIX
// and the C11 condition hooks (a C11 mtx_t is a pthread_mutex_t in glibc).
#pragma once
#include <pthread.h>

#include "../record/waits.h"
#include "glibc_mutex.h"
#include "interpose.h"

namespace shim {

inline void condition_releases_mutex(pthread_mutex_t* m, CallSite site) {
    ErrnoKeeper keep;
    uint32_t self = thread_id();
    if (mutex_may_have_waiters(m) && mutex_unlock_releases(m, self))
        waits_mutex_releasing(reinterpret_cast<uint64_t>(m), site);
    else
        waits_mutex_letting_go(reinterpret_cast<uint64_t>(m), self);
}

}  // namespace shim
