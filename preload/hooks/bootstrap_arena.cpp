#include "bootstrap_arena.h"

#include <atomic>
#include <cstdint>

namespace shim {
namespace {

constexpr size_t kArenaBytes = 256 * 1024;
alignas(64) unsigned char g_arena[kArenaBytes];
std::atomic<size_t> g_used{0};

// Each block is preceded by its size, so realloc can copy it out.
struct BlockHeader {
    size_t size;
    size_t pad;
};

}  // namespace

void* bootstrap_alloc(size_t size, size_t alignment) {
    if (alignment < alignof(BlockHeader)) alignment = alignof(BlockHeader);
    if ((alignment & (alignment - 1)) != 0 || alignment > 4096 || size > kArenaBytes) return nullptr;
    size_t need = sizeof(BlockHeader) + size + alignment;
    size_t start = g_used.fetch_add(need, std::memory_order_relaxed);
    if (start + need > kArenaBytes) return nullptr;
    uintptr_t base = reinterpret_cast<uintptr_t>(g_arena + start + sizeof(BlockHeader));
    uintptr_t aligned = (base + alignment - 1) & ~(uintptr_t(alignment) - 1);
    reinterpret_cast<BlockHeader*>(aligned - sizeof(BlockHeader))->size = size;
    return reinterpret_cast<void*>(aligned);  // zeroed: the arena is static
}

bool in_bootstrap_arena(const void* ptr) {
    auto p = static_cast<const unsigned char*>(ptr);
    return p >= g_arena && p < g_arena + kArenaBytes;
}

size_t bootstrap_size(const void* ptr) {
    return reinterpret_cast<const BlockHeader*>(static_cast<const unsigned char*>(ptr) - sizeof(BlockHeader))->size;
}

}  // namespace shim
