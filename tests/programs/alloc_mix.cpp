// Exercises the malloc family for the shim's tests: every call site below
// makes a known number of allocations of known sizes. Output goes through
// write(2) so stdio's own buffer does not show up as an allocation.
#include <cstdlib>
#include <cstring>
#include <malloc.h>
#include <pthread.h>
#include <unistd.h>

namespace {

__attribute__((noinline)) void new_and_delete() {
    for (int i = 0; i < 1000; ++i) {
        int* block = new int[4];  // SITE new_int4: 1000 x 16 B
        block[0] = i;
        asm volatile("" : : "r"(block) : "memory");
        delete[] block;
    }
}

__attribute__((noinline)) void growing_realloc() {
    char* buffer = nullptr;
    for (size_t size = 16; size <= 4096; size *= 2) {
        buffer = static_cast<char*>(realloc(buffer, size));  // SITE realloc_grow: 9 allocations
        memset(buffer, 1, size);
    }
    free(buffer);
}

__attribute__((noinline)) void aligned_blocks() {
    for (int i = 0; i < 10; ++i) {
        void* a = nullptr;
        if (posix_memalign(&a, 64, 100) != 0) abort();  // SITE posix_memalign: 10 x 100 B
        void* b = aligned_alloc(64, 128);               // SITE aligned_alloc: 10 x 128 B
        asm volatile("" : : "r"(a), "r"(b) : "memory");  // keep the optimiser from dropping them
        free(a);
        free(b);
    }
}

void* worker(void*) {
    for (int i = 0; i < 1000; ++i) {
        void* p = malloc(32);  // SITE thread_malloc: 4 x 1000 x 32 B
        asm volatile("" : : "r"(p) : "memory");
        free(p);
    }
    return nullptr;
}

__attribute__((noinline)) void four_threads() {
    pthread_t threads[4];
    for (pthread_t& t : threads) pthread_create(&t, nullptr, worker, nullptr);
    for (pthread_t& t : threads) pthread_join(t, nullptr);
}

void* volatile g_kept;

__attribute__((noinline)) void deliberate_leak() {
    g_kept = malloc(12345);  // SITE leak: 1 x 12345 B, never freed
    g_kept = nullptr;
}

}  // namespace

int main() {
    new_and_delete();
    growing_realloc();
    aligned_blocks();
    four_threads();
    deliberate_leak();
    const char done[] = "alloc_mix done\n";
    return write(1, done, sizeof done - 1) == sizeof done - 1 ? 0 : 1;
}
