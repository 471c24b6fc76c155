#include "chunk_unpack.h"

#include <zstd.h>

#include "../../format/log_format.h"

namespace analyzer {

bool unpack_chunk(uint8_t compression, uint32_t raw_size, const char* body, size_t body_size, std::string& out,
                  std::string& why) {
    if (raw_size > shimlog::kMaxChunkRawSize) {
        why = "its size " + std::to_string(raw_size) + " is over the limit";
        return false;
    }
    if (compression == static_cast<uint8_t>(shimlog::Compression::None)) {
        if (body_size != raw_size) {
            why = "its size does not match its header";
            return false;
        }
        out.assign(body, body_size);
        return true;
    }
    if (compression != static_cast<uint8_t>(shimlog::Compression::Zstd)) {
        why = "unknown compression " + std::to_string(compression);
        return false;
    }
    unsigned long long content = ZSTD_getFrameContentSize(body, body_size);
    if (content == ZSTD_CONTENTSIZE_ERROR) {
        why = "not a zstd frame";
        return false;
    }
    if (content != ZSTD_CONTENTSIZE_UNKNOWN && content != raw_size) {
        why = "its zstd frame holds " + std::to_string(content) + " bytes, its header says " + std::to_string(raw_size);
        return false;
    }
    out.assign(raw_size, '\0');
    size_t got = ZSTD_decompress(&out[0], out.size(), body, body_size);
    if (ZSTD_isError(got)) {
        why = std::string("zstd: ") + ZSTD_getErrorName(got);
        return false;
    }
    if (got != raw_size) {
        why = "it decompresses to fewer bytes than its header says";
        return false;
    }
    return true;
}

}  // namespace analyzer
