// Progress on stderr for long analyses: only for big logs (over ~100 MB, a
// few seconds of work) and only when stderr is a terminal, so logs and pipes
// never receive it. One line, rewritten in place, erased when done.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace analyzer {

constexpr uint64_t kProgressMinBytes = 100ull * 1000 * 1000;

class Progress {
public:
    // Shown when the log is at least kProgressMinBytes and stderr is a terminal.
    explicit Progress(uint64_t log_bytes);
    ~Progress() { done(); }
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    bool shown() const { return shown_; }
    // "reading log.bin  45%": at most a few updates a second.
    void update(const std::string& stage, double fraction);
    // A stage without a measurable fraction: "analysing allocations ..."
    void stage(const std::string& stage);
    void done();  // erases the line

private:
    void draw(const std::string& text);
    bool shown_ = false;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point last_{};
};

}  // namespace analyzer
