// wordfreq: count how often each word occurs in a file, on N threads, two ways.
//
// The text is split among the threads by byte ranges that end at whitespace;
// the modes differ only in where a thread puts the words it finds:
//   locked   one shared hash map behind one global std::mutex: every word is
//            inserted under the lock, so the threads mostly wait for each other
//   sharded  a map per thread, no lock; the main thread merges them at the end
// Both print the same: total and distinct words, and the ten most frequent
// words (most frequent first, ties in byte order).
//
// Usage: wordfreq [--mode locked|sharded] [-t THREADS] FILE   (FILE "-" is stdin)
//
// Words are split as `LC_ALL=C wc -w` (and workloads/words) count them: a word
// is a run of bytes between whitespace that holds a printable byte. It is kept
// as it is, case and punctuation included, so the total equals wc's count.
//
// Everything is at global scope, not in an anonymous namespace, so that
// profilers print short names such as count_locked(...).

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

using Counts = std::unordered_map<std::string, long>;

// The C locale's isspace: space, \t, \n, \v, \f, \r.
static bool is_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// The C locale's isgraph: printable ASCII other than space.
static bool is_graph(unsigned char c) { return c > ' ' && c < 0x7f; }

// Calls found(word) for each word in text, in order. A run of non-space
// bytes without a printable one (control bytes, bytes over 127) is no word,
// as in wc.
template <typename Found>
static void each_word(std::string_view text, Found found) {
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) ++i;
    size_t start = i;
    bool printable = false;
    for (; i < text.size() && !is_space(text[i]); ++i) printable |= is_graph(text[i]);
    if (printable) found(text.substr(start, i - start));
  }
}

// The slow way: one map for everyone, one lock around every insertion.
static std::mutex counts_mutex;
static Counts shared_counts;

// Out of line so that profilers see it on the waiting threads' stacks.
__attribute__((noinline)) void count_locked(std::string_view text) {
  std::string word;  // reused: the copy for the map's lookup is made before locking
  each_word(text, [&word](std::string_view w) {
    word.assign(w);
    std::lock_guard<std::mutex> lock(counts_mutex);
    ++shared_counts[word];
  });
}

// The fix: each thread counts into its own map; nothing is shared until merge.
__attribute__((noinline)) void count_sharded(std::string_view text, Counts& mine) {
  std::string word;
  each_word(text, [&word, &mine](std::string_view w) {
    word.assign(w);
    ++mine[word];
  });
}

// Adds every shard into the first, on the main thread after the workers ended.
// A word new to the total moves its node over (no copy, no allocation).
__attribute__((noinline)) Counts merge(std::vector<Counts>& shards) {
  Counts total = std::move(shards[0]);
  for (size_t i = 1; i < shards.size(); ++i) {
    while (!shards[i].empty()) {
      auto moved = total.insert(shards[i].extract(shards[i].begin()));
      if (!moved.inserted) moved.position->second += moved.node.mapped();
    }
  }
  return total;
}

// threads ranges covering text, each ending at whitespace (or the end), so
// that every word lies in exactly one of them. Some may be empty.
static std::vector<std::string_view> split(std::string_view text, int threads) {
  std::vector<std::string_view> ranges;
  size_t start = 0;
  for (int i = 1; i <= threads; ++i) {
    size_t end = i == threads ? text.size() : std::max(start, text.size() / threads * i);
    while (end < text.size() && !is_space(text[end])) ++end;
    ranges.push_back(text.substr(start, end - start));
    start = end;
  }
  return ranges;
}

// Runs work(i, range) on a thread per range and waits for all of them.
template <typename Work>
static void run_threads(const std::vector<std::string_view>& ranges, Work work) {
  std::vector<std::thread> threads;
  try {
    for (size_t i = 0; i < ranges.size(); ++i) threads.emplace_back(work, i, ranges[i]);
  } catch (...) {
    for (std::thread& t : threads) t.join();  // none may be left running
    throw;
  }
  for (std::thread& t : threads) t.join();
}

// The whole file; false (errno set) when it cannot be read.
static bool read_all(int fd, std::string& text) {
  char buf[64 * 1024];
  for (;;) {
    ssize_t got = ::read(fd, buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return false;
    if (got == 0) return true;
    text.append(buf, size_t(got));
  }
}

static void print(const char* path, const Counts& counts) {
  long total = 0;
  std::vector<std::pair<long, const std::string*>> ranked;
  ranked.reserve(counts.size());
  for (const auto& [word, count] : counts) {
    total += count;
    ranked.emplace_back(count, &word);
  }
  size_t top = std::min<size_t>(10, ranked.size());
  std::partial_sort(ranked.begin(), ranked.begin() + top, ranked.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : *a.second < *b.second;
  });
  std::printf("\"%s\": %ld words, %zu distinct\n", path, total, counts.size());
  for (size_t i = 0; i < top; ++i) std::printf("%8ld %s\n", ranked[i].first, ranked[i].second->c_str());
}

static int usage() {
  std::fprintf(stderr, "usage: wordfreq [--mode locked|sharded] [-t THREADS] FILE\n");
  return 2;
}

// 1..1024, else -1.
static int thread_count(const char* value) {
  errno = 0;
  char* end = nullptr;
  long n = std::strtol(value, &end, 10);
  if (*value == '\0' || *end != '\0' || errno != 0 || n < 1 || n > 1024) return -1;
  return int(n);
}

int main(int argc, char** argv) {
  std::string mode = "locked";
  int threads = 4;
  const char* path = nullptr;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--mode" && i + 1 < argc) {
      mode = argv[++i];
    } else if (arg.rfind("--mode=", 0) == 0) {
      mode = arg.substr(7);
    } else if (arg == "-t" && i + 1 < argc) {
      if ((threads = thread_count(argv[++i])) < 0) return usage();
    } else if (arg != "-" && arg[0] == '-') {
      return usage();  // unknown flag, or a flag without its value
    } else if (path == nullptr) {
      path = argv[i];
    } else {
      return usage();  // more than one file
    }
  }
  if (path == nullptr || (mode != "locked" && mode != "sharded")) return usage();

  bool is_stdin = std::strcmp(path, "-") == 0;
  int fd = is_stdin ? STDIN_FILENO : ::open(path, O_RDONLY);
  std::string text;
  if (fd < 0 || !read_all(fd, text)) {  // reading fails on a directory, say
    std::fprintf(stderr, "wordfreq: %s: %s\n", path, std::strerror(errno));
    return 1;
  }
  if (!is_stdin) ::close(fd);

  std::vector<std::string_view> ranges = split(text, threads);
  try {
    if (mode == "locked") {
      run_threads(ranges, [](size_t, std::string_view range) { count_locked(range); });
      print(path, shared_counts);
    } else {
      std::vector<Counts> shards(ranges.size());
      run_threads(ranges, [&shards](size_t i, std::string_view range) { count_sharded(range, shards[i]); });
      print(path, merge(shards));
    }
  } catch (const std::system_error& e) {  // the system ran out of threads
    std::fprintf(stderr, "wordfreq: cannot start a thread: %s\n", e.what());
    return 1;
  }
  return 0;
}
