// throw_catch: COUNT C++ exceptions thrown and caught on two threads (each
// throw walks the loader's list for unwind tables: dl_iterate_phdr), while a
// profiler's signal may land anywhere in it. Prints how many were caught.
// Usage: throw_catch [COUNT]   (default 200000)
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <thread>

__attribute__((noinline)) static void thrower(long i) {
    if (i >= 0) throw std::runtime_error("again");
}

static long catch_all(long count) {
    long caught = 0;
    for (long i = 0; i < count; ++i) {
        try {
            thrower(i);
        } catch (const std::exception&) {
            ++caught;
        }
    }
    return caught;
}

int main(int argc, char** argv) {
    long count = argc > 1 ? atol(argv[1]) : 200000;
    long other = 0;
    std::thread second([&] { other = catch_all(count / 2); });
    long mine = catch_all(count - count / 2);
    second.join();
    std::printf("caught %ld\n", mine + other);
    return 0;
}
