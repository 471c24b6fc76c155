// Decodes one SampleChunk record (format/log_format.h, SampleTag): the
// sampler's Tick and ThreadCpu readings, appended to the model in time order.
// Chunk bytes are untrusted: sizes are bounded before anything is allocated
// and a bad event rejects the whole chunk with a reason.
#pragma once
#include <cstddef>
#include <string>

#include "../model/model.h"

namespace analyzer {

// `payload` is the record's payload (SampleChunkRecord, then the events).
// False, with `why`, when the chunk is malformed; `samples` is then unchanged.
bool decode_sample_chunk(const char* payload, size_t size, Samples& samples, std::string& why);

}  // namespace analyzer
