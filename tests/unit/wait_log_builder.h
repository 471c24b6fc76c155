// Contended waits for hand-made logs, straight into a model Log
// (thread_fixtures.h's clock, one tick per nanosecond from 0); records for the
// decoder come from log_builder.h's LogBuilder::wait_chunk.
#pragma once
#include <algorithm>
#include <string>
#include <vector>

#include "../../analyzer/model/model.h"
#include "../../format/log_format.h"

namespace waitlog {

// One wait as the shim records it, and its site's totals updated as the
// WaitSite records would be.
inline void add_wait(analyzer::Log& log, uint32_t tid, uint64_t start_ns, uint64_t length_ns,
                     shimlog::WaitKind kind, uint64_t object, uint32_t stack_id = 0) {
    analyzer::WaitEvent e;
    e.tid = tid;
    e.start_ticks = start_ns;  // one tick per ns from 0 (thread_fixtures.h)
    e.length_ns = length_ns;
    e.stack_id = stack_id;
    e.object = object;
    e.kind = kind;
    log.waits.events.push_back(e);
    for (analyzer::WaitSite& s : log.waits.sites)
        if (s.object == object && s.kind == kind && s.stack_id == stack_id) {
            s.waits++, s.wait_ns += length_ns, s.max_ns = std::max(s.max_ns, length_ns);
            return;
        }
    analyzer::WaitSite s;
    s.object = object, s.kind = kind, s.stack_id = stack_id;
    s.waits = 1, s.wait_ns = length_ns, s.max_ns = length_ns, s.threads = 1;
    log.waits.sites.push_back(s);
}

// A mutex's release site that ended `delay_ns` of others' waits.
inline void add_holder(analyzer::Log& log, uint64_t object, uint32_t stack_id, uint64_t delay_ns, uint64_t releases = 1) {
    analyzer::LockHolder h;
    h.object = object, h.stack_id = stack_id, h.releases = releases, h.delay_ns = delay_ns;
    log.waits.holders.push_back(h);
}

}  // namespace waitlog
