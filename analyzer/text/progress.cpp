#include "progress.h"

#include <cstdio>
#include <unistd.h>

namespace analyzer {

Progress::Progress(uint64_t log_bytes) : shown_(log_bytes >= kProgressMinBytes && isatty(STDERR_FILENO) == 1) {}

void Progress::draw(const std::string& text) {
    // \r and erase-to-end-of-line: the new text replaces the old in place.
    fprintf(stderr, "\r\033[Kanalyzer: %s", text.c_str());
    fflush(stderr);
    drawn_ = true;
}

void Progress::update(const std::string& stage, double fraction) {
    if (!shown_) return;
    auto now = std::chrono::steady_clock::now();
    if (drawn_ && fraction < 1 && now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    char pct[16];
    snprintf(pct, sizeof pct, " %3.0f%%", 100 * fraction);
    draw(stage + pct);
}

void Progress::stage(const std::string& stage) {
    if (shown_) draw(stage + " ...");
}

void Progress::done() {
    if (!drawn_) return;
    fprintf(stderr, "\r\033[K");
    fflush(stderr);
    drawn_ = false;
}

}  // namespace analyzer
