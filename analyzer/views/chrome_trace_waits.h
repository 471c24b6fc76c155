// The contended waits in the Chrome trace: a slice per wait ("X", category
// "wait") on the track of the thread that blocked, named by the kind and the
// object ("mutex 0x601040"), its site and length in the args, so a viewer
// shows what each thread waited for, nested in the thread's own slice.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "../encode/json_writer.h"
#include "../model/model.h"
#include "../symbols/call_sites.h"

namespace analyzer {

struct WaitTraceOptions {
    // More waits than this keep the longest ones: the short ones are too
    // thin to see at a long run's scale, and the totals are in the report.
    size_t max_waits = 100000;
};

// Writes the slices into the open "traceEvents" array. `drawn` maps the tid
// of each thread drawn to its track; `named` holds the tracks already named
// (a thread with no record, such as the main thread, keeps its own id and is
// named here when no one has). The waits of threads recorded but not drawn
// (every lane busy) are left out: on a shared track they would overlap.
// Returns notes for the user.
std::vector<std::string> write_wait_slices(JsonWriter& json, const Log& log, CallSites& sites,
                                           const std::map<uint32_t, uint64_t>& drawn,
                                           const std::map<uint32_t, uint64_t>& named, const WaitTraceOptions& options);

}  // namespace analyzer
