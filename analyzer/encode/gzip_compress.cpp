#include "gzip_compress.h"

#include <stdexcept>
#include <zlib.h>

namespace analyzer {

std::string gzip_compress(const std::string& data) {
    if (data.size() > 0xffffffffu) throw std::runtime_error("zlib: more than 4 GiB to compress at once");
    z_stream z{};
    // windowBits 15 + 16: zlib writes a gzip header and trailer instead of its own.
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("zlib: cannot start compressing");
    std::string out(deflateBound(&z, data.size()), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(&out[0]);
    z.avail_out = static_cast<uInt>(out.size());
    int status = deflate(&z, Z_FINISH);  // one call: the bound guarantees room
    out.resize(z.total_out);
    deflateEnd(&z);
    if (status != Z_STREAM_END) throw std::runtime_error("zlib: compression failed");
    return out;
}

}  // namespace analyzer
