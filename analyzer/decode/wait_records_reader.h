// Decodes the contended-wait records (format/log_format.h: WaitSiteRecord,
// LockHolderRecord, WaitChunkRecord) into the model's Waits. Times stay in
// ticks here; finish_waits converts them once the clock is calibrated. The
// bytes are untrusted: a bad record is rejected whole, with a reason.
#pragma once
#include <cstddef>
#include <string>

#include "../model/model.h"

namespace analyzer {

// Each: `payload` is the record's payload. False, with `why`, when malformed.
bool decode_wait_site(const char* payload, size_t size, Waits& waits, std::string& why);
bool decode_lock_holder(const char* payload, size_t size, Waits& waits, std::string& why);
bool decode_wait_chunk(const char* payload, size_t size, Waits& waits, std::string& why);

// After the whole log: keeps the newest record of each site and holder key
// (totals are rewritten at every checkpoint) and turns ticks into ns with
// the log's calibration (0 when the clock is uncalibrated, like I/O times).
void finish_waits(Log& log);

}  // namespace analyzer
