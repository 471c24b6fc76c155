// The log file itself: what this process knows of it, its name, and opening
// it for one write. Shared by the log layer's files; recorders never see it.
#pragma once
#include <climits>
#include <cstdint>
#include <sys/types.h>

namespace shim {

// ---- the file ----
struct LogFile {
    char path[PATH_MAX + 64] = {}; // where the log ends up
    char base[PATH_MAX] = {};      // the run's name; later processes add ".<pid>"
    bool created = false;          // the file exists and holds our header
    bool failed = false;           // said once on stderr; stop trying
    bool write_trouble_said = false;  // a write failed once: said, still trying
    uint32_t children = 0;            // processes this image forked
    dev_t dev = 0;
    ino_t ino = 0;
    uint32_t pid = 0;
    uint32_t ppid = 0;
    bool parent_traced = false;
    uint64_t start_realtime_ns = 0;
    uint64_t start_ns = 0;
    uint64_t start_ticks = 0;
    uint32_t window = 0;           // the recording window being written (windows.h); 0: none
    uint64_t bytes = 0;            // the file's size, as written by this process (the disk budget's measure)
};
extern LogFile g_log;

// ---- naming (log_naming.cpp) ----
// The run's first process writes the run's name (log.bin); later ones
// log.bin.<pid>.
void set_path_for_process(bool first_of_run);
// Takes the run's name from SHIM_LOG (default log.bin), made absolute.
void choose_path(bool first_of_run);
// Links `from` under this process's first free name; leaves it in g_log.path.
bool link_under_own_name(const char* from);
// Creates the log under this process's first free name (O_EXCL, never through
// a symlink); leaves it in g_log.path. -1 with errno when it cannot.
int create_under_own_name();

// ---- one write (log_file.cpp) ----
// Opens the log for this write (creating it the first time); false, with one
// line on stderr the first time, when it cannot be written.
bool begin_writing();
// Writes out the buffer and closes the file; false when the log failed.
bool end_writing();

}  // namespace shim
