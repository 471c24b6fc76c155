// The bytes of one log, shared by everything decoded from it: allocation
// chunks stay where they are (compressed, in the file's pages) until the
// analysis reads them, so a log far larger than memory can be analysed.
#pragma once
#include <cstddef>
#include <memory>
#include <string>

namespace analyzer {

class LogBytes {
public:
    // A regular file is mapped read-only; anything else (a pipe) is read.
    // Throws LogError with a one-line reason. Should the file shrink while it
    // is mapped, the analyzer exits 2 with a one-line reason at the first
    // read past its new end (log_bytes.cpp).
    static std::shared_ptr<const LogBytes> open_file(const std::string& path);
    static std::shared_ptr<const LogBytes> copy_of(const std::string& bytes);

    ~LogBytes();
    LogBytes(const LogBytes&) = delete;
    LogBytes& operator=(const LogBytes&) = delete;

    const char* data() const { return data_; }
    size_t size() const { return size_; }

    // Done with [p, p + n) for now: a mapped file's pages holding the range
    // leave the process's memory (read again from the file when touched).
    void release(const char* p, size_t n) const;

private:
    LogBytes() = default;
    std::string owned_;
    void* mapping_ = nullptr;
    void* guard_ = nullptr;  // its slot among the guarded mappings
    const char* data_ = nullptr;
    size_t size_ = 0;
};

}  // namespace analyzer
