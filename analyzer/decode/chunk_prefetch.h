// Unpacks allocation chunks on a helper thread a few chunks ahead of the
// merge that reads them: zstd is about an eighth of the replay's time, and
// the machine has a second core.
#pragma once
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "alloc_chunk_reader.h"

namespace analyzer {

class ChunkPrefetch {
public:
    // `order`: the indices into `chunks` in the order take() asks for them;
    // both must outlive this.
    ChunkPrefetch(const std::vector<AllocChunk>& chunks, const std::vector<size_t>& order, size_t ahead = 3);
    ~ChunkPrefetch();  // stops the helper and waits for it
    ChunkPrefetch(const ChunkPrefetch&) = delete;
    ChunkPrefetch& operator=(const ChunkPrefetch&) = delete;

    // Chunk `index`, unpacked; asked out of order, it is unpacked here.
    UnpackedChunk take(size_t index);

private:
    void run();

    const std::vector<AllocChunk>& chunks_;
    const std::vector<size_t>& order_;
    const size_t ahead_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<std::pair<size_t, UnpackedChunk>> ready_;  // in `order`
    size_t taken_ = 0;
    bool stop_ = false;
    std::thread helper_;
};

}  // namespace analyzer
