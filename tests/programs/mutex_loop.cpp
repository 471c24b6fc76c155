// mutex_loop THREADS [PAIRS]: PAIRS std::mutex lock/unlock pairs in all
// (default 10,000,000), shared evenly by THREADS threads on one mutex. With
// one thread the loop runs on the main thread: never contended, it is what a
// wait hook costs a program that locks without ever waiting; with several,
// the threads hammer the one mutex and wait for each other.
// Prints the pairs made, counted under the lock.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

static std::mutex the_mutex;
static long counter = 0;  // only touched under the_mutex

__attribute__((noinline)) void lock_loop(long pairs) {
    for (long i = 0; i < pairs; ++i) {
        std::lock_guard<std::mutex> hold(the_mutex);
        ++counter;
    }
}

// value as a number in [1, max], else -1.
static long parse(const char* value, long max) {
    errno = 0;
    char* end = nullptr;
    long n = std::strtol(value, &end, 10);
    if (*value == '\0' || *end != '\0' || errno != 0 || n < 1 || n > max) return -1;
    return n;
}

int main(int argc, char** argv) {
    long threads = argc >= 2 ? parse(argv[1], 1024) : -1;
    long pairs = argc >= 3 ? parse(argv[2], 1L << 40) : 10000000;
    if (argc > 3 || threads < 0 || pairs < 0) {
        std::fprintf(stderr, "usage: mutex_loop THREADS [PAIRS]\n");
        return 2;
    }
    if (threads == 1) {
        lock_loop(pairs);
    } else {
        std::vector<std::thread> workers;
        try {
            for (long t = 0; t < threads; ++t) {
                // The first threads take the remainder's extra pair each.
                workers.emplace_back(lock_loop, pairs / threads + (t < pairs % threads ? 1 : 0));
            }
        } catch (const std::system_error& e) {
            for (std::thread& w : workers) w.join();
            std::fprintf(stderr, "mutex_loop: cannot start a thread: %s\n", e.what());
            return 1;
        }
        for (std::thread& w : workers) w.join();
    }
    std::printf("%ld pairs\n", counter);
    return counter == pairs ? 0 : 1;
}
