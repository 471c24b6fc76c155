// Decodes one CpuSamples record (format/log_format.h, CpuSamplesRecord): a
// thread's CPU-profile samples, appended to the model's CPU profile. The
// bytes are untrusted: sizes are bounded before anything is allocated and a
// bad sample rejects the whole batch with a reason.
#pragma once
#include <cstddef>
#include <string>

#include "../model/model.h"

namespace analyzer {

// `payload` is the record's payload (CpuSamplesRecord, then the samples).
// False, with `why`, when the batch is malformed; `profile` is then unchanged.
bool decode_cpu_samples(const char* payload, size_t size, CpuProfile& profile, std::string& why);

}  // namespace analyzer
