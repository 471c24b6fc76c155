// A double to uint64_t without the undefined behaviour of an out-of-range
// cast: figures computed from an untrusted log can be anything.
#pragma once
#include <cstdint>

namespace analyzer {

inline uint64_t saturating_u64(double v) {
    if (!(v > 0)) return 0;  // negative, zero or NaN
    return v >= 18446744073709551615.0 ? UINT64_MAX : uint64_t(v);
}

}  // namespace analyzer
