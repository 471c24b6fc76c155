// One name per object waited on, shared by the exports (flame, pprof, Chrome
// trace): the analysis's wait_object_label (a global by its variable and
// file, a join by the thread joined, others by their costliest wait site),
// with the kind in front when the label does not say it already:
// "mutex counts_mutex in wordfreq.cpp", "join thread worker (tid 12)",
// "condition variable first waited for at pool_worker() at pool.c:40".
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "../model/model.h"
#include "../symbols/call_sites.h"
#include "../symbols/thread_names.h"

namespace analyzer {

class WaitNames {
public:
    WaitNames(const Log& log, CallSites& sites);
    // `fallback_stack`: a wait site to name it by when the log has no totals
    // for the object (a log cut short: only its per-wait events).
    std::string name(uint64_t object, shimlog::WaitKind kind, uint32_t fallback_stack = 0);

private:
    // An rwlock's read and write waits are one object.
    using Key = std::pair<uint64_t, int>;
    static Key key_of(uint64_t object, shimlog::WaitKind kind);
    ThreadNamer namer_;
    std::map<Key, const WaitSite*> costliest_site_;  // the same site the report names it by
    std::map<Key, std::string> names_;               // symbolized once
};

}  // namespace analyzer
