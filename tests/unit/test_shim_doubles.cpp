// Stand-ins for the parts of the shim its recorders call but the test runner
// must not link (the flush, the module map, the unwinder's pipe). See
// shim_doubles.h.
#include <atomic>
#include <cstring>
#include <unistd.h>

#include "../../preload/log/arena.h"
#include "../../preload/log/record_sink.h"
#include "../../preload/record/modules.h"
#include "../../preload/record/unwinder_pipe.h"
#include "shim_doubles.h"

namespace {
std::string g_written;
std::vector<shim_doubles::Record> g_sunk;

void collect(const void* data, size_t size) { g_written.append(static_cast<const char*>(data), size); }
}  // namespace

namespace shim_doubles {

std::vector<Record> new_records() {
    g_written.clear();
    shim::arena_write_out(collect);
    std::vector<Record> records;
    size_t pos = 0;
    while (pos + sizeof(shimlog::RecordHeader) <= g_written.size()) {
        shimlog::RecordHeader header;
        memcpy(&header, g_written.data() + pos, sizeof header);
        pos += sizeof header;
        records.push_back({static_cast<shimlog::RecordType>(header.type), g_written.substr(pos, header.size)});
        pos += header.size;
    }
    return records;
}

std::vector<Record> sunk_records() {
    std::vector<Record> records;
    records.swap(g_sunk);
    return records;
}

}  // namespace shim_doubles

namespace shim {

// A flush's direct write: kept for sunk_records().
void sink_record(shimlog::RecordType type, std::initializer_list<Bytes> parts) {
    std::string payload;
    for (const Bytes& part : parts) payload.append(static_cast<const char*>(part.data), part.size);
    g_sunk.push_back({type, payload});
}

// No checkpoint is ever due: nothing here writes a file.
std::atomic<uint64_t> g_next_checkpoint{UINT64_MAX};
void log_checkpoint_due(uint64_t) {}

// The shim's own code: nothing, here (no frame of a test is dropped).
bool in_shim(uint64_t) { return false; }

// The test runner is one process: its main thread is the log's.
uint32_t log_pid() { return static_cast<uint32_t>(getpid()); }

// No module map: the unwinder's own code is not told apart.
bool object_range(const void*, uint64_t*, uint64_t*) { return false; }
void unwinder_set_code_range(uint64_t, uint64_t) {}

}  // namespace shim
