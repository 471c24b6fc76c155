// leak_kinds.c in C++: 2 MiB kept until exit through a global pointer to a
// vector (reachable through two heap blocks), and 2 MiB from new[] whose only
// pointers were overwritten (lost). Exits normally.
#include <cstdio>
#include <cstring>
#include <vector>

namespace {

constexpr int kBlocks = 32;
constexpr size_t kBlockBytes = 64 * 1024;

std::vector<char*>* g_kept = new std::vector<char*>();  // never deleted: kept until exit on purpose
char* g_latest = nullptr;

__attribute__((noinline)) void keep_blocks() {
    for (int i = 0; i < kBlocks; ++i) {
        char* block = new char[kBlockBytes];
        memset(block, 'k', kBlockBytes);
        g_kept->push_back(block);
    }
}

__attribute__((noinline)) void lose_blocks() {
    for (int i = 0; i < kBlocks; ++i) {
        g_latest = new char[kBlockBytes];
        memset(g_latest, 'l', kBlockBytes);
    }
    g_latest = nullptr;
}

__attribute__((noinline)) unsigned long scrub_stack() {
    volatile char junk[16384];
    memset(const_cast<char*>(junk), 0, sizeof junk);
    return junk[100];
}

}  // namespace

int main() {
    keep_blocks();
    lose_blocks();
    scrub_stack();
    printf("kept %zu blocks, lost %d\n", g_kept->size(), kBlocks);
    return 0;
}
