#include "chunk_prefetch.h"

namespace analyzer {

ChunkPrefetch::ChunkPrefetch(const std::vector<AllocChunk>& chunks, const std::vector<size_t>& order, size_t ahead)
    : chunks_(chunks), order_(order), ahead_(ahead ? ahead : 1) {
    if (order_.size() > 1) helper_ = std::thread([this] { run(); });
}

ChunkPrefetch::~ChunkPrefetch() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    changed_.notify_all();
    if (helper_.joinable()) helper_.join();
}

void ChunkPrefetch::run() {
    for (size_t k = 0; k < order_.size(); ++k) {
        {
            std::unique_lock<std::mutex> lock(mutex_);
            changed_.wait(lock, [&] { return stop_ || k < taken_ + ahead_; });
            if (stop_) return;
        }
        UnpackedChunk chunk = unpack_alloc_chunk(chunks_[order_[k]]);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            ready_.emplace_back(order_[k], std::move(chunk));
        }
        changed_.notify_all();
    }
}

UnpackedChunk ChunkPrefetch::take(size_t index) {
    if (helper_.joinable()) {
        std::unique_lock<std::mutex> lock(mutex_);
        if (taken_ < order_.size() && order_[taken_] == index) {
            changed_.wait(lock, [&] { return !ready_.empty(); });
            UnpackedChunk chunk = std::move(ready_.front().second);
            ready_.pop_front();
            taken_++;
            lock.unlock();
            changed_.notify_all();
            return chunk;
        }
    }
    return unpack_alloc_chunk(chunks_[index]);
}

}  // namespace analyzer
