#include "semaphore_locks.h"

#include <map>

namespace analyzer {

void read_semaphore_locks(Log& log) {
    using shimlog::WaitKind;
    Waits& w = log.waits;
    struct Posts {
        uint64_t releases = 0, paired = 0;
    };
    std::map<uint64_t, Posts> semaphores;  // the objects with semaphore waits
    for (const WaitSite& s : w.sites)
        if (s.kind == WaitKind::Semaphore) semaphores[s.object];
    if (semaphores.empty()) return;
    for (LockHolder& h : w.holders) {
        auto found = semaphores.find(h.object);
        if (found == semaphores.end()) continue;
        h.kind = WaitKind::Semaphore;
        found->second.releases += h.releases;
        found->second.paired += h.timed_holds;
    }
    auto is_lock = [&](uint64_t object) {
        auto found = semaphores.find(object);
        if (found == semaphores.end()) return false;
        const Posts& p = found->second;
        return p.paired > 0 && double(p.paired) >= kLockPairShare * double(p.releases);
    };
    for (WaitSite& s : w.sites)
        if (s.kind == WaitKind::Semaphore && is_lock(s.object)) s.kind = WaitKind::SemaphoreLock;
    for (WaitEvent& e : w.events)
        if (e.kind == WaitKind::Semaphore && is_lock(e.object)) e.kind = WaitKind::SemaphoreLock;
    for (LockHolder& h : w.holders)
        if (h.kind == WaitKind::Semaphore && is_lock(h.object)) h.kind = WaitKind::SemaphoreLock;
}

}  // namespace analyzer
