#include "wait_labels.h"

#include <cstdio>

namespace analyzer {

const char* wait_kind_word(shimlog::WaitKind kind) {
    switch (kind) {
        case shimlog::WaitKind::Mutex: return "mutex";
        case shimlog::WaitKind::RwRead: return "rwlock read";
        case shimlog::WaitKind::RwWrite: return "rwlock write";
        case shimlog::WaitKind::Condition: return "condition";
        case shimlog::WaitKind::Semaphore: return "semaphore";
        case shimlog::WaitKind::Barrier: return "barrier";
        case shimlog::WaitKind::Join: return "join";
    }
    return "wait";
}

std::string wait_label(const Log&, Symbolizer&, shimlog::WaitKind kind, uint64_t object) {
    std::string word = wait_kind_word(kind);
    // A join's object is the joined thread's tid, not an address.
    if (kind == shimlog::WaitKind::Join) return word + " thread " + std::to_string(object);
    char buf[32];
    snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(object));
    return word + " " + buf;
}

}  // namespace analyzer
