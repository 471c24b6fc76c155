// What the shim and `analyzer ctl` agree on about the control channel's
// <pid>.ready file (preload/log/control_channel.h): its first line names the
// process instance, "start <starttime>" with field 22 of /proc/<pid>/stat
// (clock ticks after boot), so that a file left by a process that died is
// never taken for a later one that got its pid, and ctl needs no library name
// to know that the process listens. The log's name follows on the next line.
#pragma once
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace shimlog {

constexpr char kReadyStartPrefix[] = "start ";

// Field 22 (starttime) of a /proc/<pid>/stat text; 0 when it is not there.
// The command name (field 2) may hold spaces and ')': fields are counted
// from the last ')'.
inline uint64_t proc_stat_start_time(const char* stat_text) {
    const char* p = strrchr(stat_text, ')');
    if (p == nullptr) return 0;
    for (int field = 2; field < 22; ++field) {  // p is at the end of field 2
        p = strchr(p + 1, ' ');
        if (p == nullptr) return 0;
    }
    return strtoull(p + 1, nullptr, 10);
}

}  // namespace shimlog
