// Builds log bytes in tests, record by record, from the shared format header.
#pragma once
#include <cstring>
#include <string>

#include "../../format/log_format.h"

namespace testlog {

class LogBuilder {
public:
    explicit LogBuilder(uint16_t version = shimlog::kVersion) {
        shimlog::FileHeader h{};
        memcpy(h.magic, shimlog::kMagic, sizeof h.magic);
        h.version = version;
        h.endianness = shimlog::kLittleEndian;
        h.pointer_size = 8;
        h.header_size = sizeof h;
        append(&h, sizeof h);
    }
    template <typename T>
    LogBuilder& record(shimlog::RecordType type, const T& fixed, const std::string& tail = "") {
        shimlog::RecordHeader rh{static_cast<uint16_t>(type), 0, uint32_t(sizeof(T) + tail.size())};
        append(&rh, sizeof rh);
        append(&fixed, sizeof fixed);
        bytes_ += tail;
        return *this;
    }
    LogBuilder& process(uint32_t pid, const std::string& exe, const std::string& cmdline) {
        shimlog::ProcessRecord p{};
        p.pid = pid;
        p.ppid = 1;
        p.start_ns = 1000;
        p.start_ticks = 5000;
        p.exe_len = uint32_t(exe.size());
        p.cmdline_len = uint32_t(cmdline.size());
        return record(shimlog::RecordType::Process, p, exe + cmdline);
    }
    LogBuilder& end(uint64_t end_ns, uint64_t end_ticks, int status) {
        shimlog::EndRecord e{};
        e.end_ns = end_ns;
        e.end_ticks = end_ticks;
        e.exit_status = status;
        return record(shimlog::RecordType::End, e);
    }
    LogBuilder& raw(const std::string& bytes) {
        bytes_ += bytes;
        return *this;
    }
    const std::string& bytes() const { return bytes_; }

private:
    void append(const void* p, size_t n) { bytes_.append(static_cast<const char*>(p), n); }
    std::string bytes_;
};

}  // namespace testlog
