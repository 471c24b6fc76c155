// gzip (RFC 1952) in memory with zlib: pprof files are gzip'd protobufs.
#pragma once
#include <string>

namespace analyzer {

// Throws std::runtime_error if zlib fails (it only does when out of memory).
std::string gzip_compress(const std::string& data);

}  // namespace analyzer
