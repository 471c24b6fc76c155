// A finding: one thing that makes the program slow, with its evidence, the
// place in the code and what to do. Rules make them; views show them.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace analyzer {

struct Finding {
    std::string kind;                  // stable id: "unbuffered-io", ...
    std::string title;                 // one line: what and where
    std::vector<std::string> evidence; // measured facts, one per line
    std::string site;                  // "readbyte(int) at words.cpp:31"
    std::vector<std::string> stack;    // the site's stack, site first
    std::string advice;                // what to do about it
    uint64_t cost_ns = 0;              // time it costs, for ranking
    std::map<std::string, double> figures;  // the numbers behind it, for JSON
};

struct Thresholds {
    // unbuffered I/O: a (file, site) with at least this many calls ...
    uint64_t io_min_calls = 1000;
    // ... of which more than this share moved at most io_small_bytes each
    double io_small_share = 0.5;
    uint64_t io_small_bytes = 512;  // a histogram bucket edge: 1, 16 or 512
    uint64_t io_buffer_bytes = 64 * 1024;  // the buffer size advised
};

}  // namespace analyzer
