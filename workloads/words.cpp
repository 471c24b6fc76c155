// words: count the words in a file, like `LC_ALL=C wc -w`, three ways.
//
// One counting loop runs on three ways of getting the next byte (a C++
// retelling of a Go profiling talk):
//   unbuffered  one read(2) system call per byte
//   alloc       buffered, but a fresh one-byte heap buffer per byte
//   buffered    neither: bytes come straight out of a 64 KiB buffer
//
// Usage: words [--mode unbuffered|alloc|buffered] FILE   (FILE "-" is stdin)
//
// Everything is at global scope, not in an anonymous namespace, so that
// profilers print short names such as readbyte(int).

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <system_error>

static constexpr int kEnd = -1;  // readbyte's "no more bytes"

// Read errors are thrown so that every mode reports them the same way.
[[noreturn]] static void throw_errno() {
  throw std::system_error(errno, std::generic_category());
}

// A 64 KiB buffered reader on a file descriptor, like Go's bufio.Reader:
// one read(2) fills the buffer, and callers are served from it.
class BufferedReader {
 public:
  explicit BufferedReader(int fd) : fd_(fd) {}

  // Copies up to n bytes into dst; returns how many, 0 at end of file.
  // Out of line, like a call through Go's io.Reader: a buffer passed here
  // escapes, so the compiler cannot optimise away alloc mode's allocation.
  __attribute__((noinline)) size_t read(char* dst, size_t n) {
    if (!fill()) return 0;
    size_t count = std::min(n, end_ - pos_);
    std::memcpy(dst, buf_.get() + pos_, count);
    pos_ += count;
    return count;
  }

  // True once the file is exhausted.
  bool eof() { return !fill(); }

  // The fix: hand out the next byte directly; no copy, no allocation.
  int readbyte() {
    if (!fill()) return kEnd;
    return static_cast<unsigned char>(buf_[pos_++]);
  }

 private:
  static constexpr size_t kSize = 64 * 1024;

  // Ensures there is an unread byte; false at end of file.
  bool fill() {
    if (pos_ == end_) {
      ssize_t got = ::read(fd_, buf_.get(), kSize);
      if (got < 0) throw_errno();
      pos_ = 0;
      end_ = static_cast<size_t>(got);
    }
    return pos_ < end_;
  }

  int fd_;
  std::unique_ptr<char[]> buf_{new char[kSize]};
  size_t pos_ = 0;
  size_t end_ = 0;
};

// Program 1: every byte costs a system call.
// Kept out of line in both slow modes so that profilers see it on the stack.
__attribute__((noinline)) int readbyte(int fd) {
  char c;
  ssize_t got = ::read(fd, &c, 1);
  if (got < 0) throw_errno();
  return got == 1 ? static_cast<unsigned char>(c) : kEnd;
}

// Program 2: buffered now, but the one-byte buffer is heap allocated on
// every call -- the talk's buffer that escaped to the heap.
__attribute__((noinline)) int readbyte(BufferedReader& in) {
  if (in.eof()) return kEnd;  // so it is exactly one allocation per byte
  std::unique_ptr<char[]> buf(new char[1]);
  in.read(buf.get(), 1);
  return static_cast<unsigned char>(buf[0]);
}

// The C locale's isspace: space, \t, \n, \v, \f, \r.
static bool is_space(int c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// The C locale's isgraph: printable ASCII other than space.
static bool is_graph(int c) { return c > ' ' && c < 0x7f; }

// The one counting loop all modes share; next() returns a byte or kEnd.
// Counts as GNU wc (coreutils 9.1) does under LC_ALL=C: whitespace ends a
// word, a printable byte starts one, and any other byte (control, >127)
// neither starts nor ends a word.
template <typename NextByte>
static long countwords(NextByte next) {
  long words = 0;
  bool in_word = false;
  for (int c = next(); c != kEnd; c = next()) {
    if (is_space(c)) {
      in_word = false;
    } else if (is_graph(c) && !in_word) {
      in_word = true;
      ++words;
    }
  }
  return words;
}

static int usage() {
  std::fprintf(stderr, "usage: words [--mode unbuffered|alloc|buffered] FILE\n");
  return 2;
}

int main(int argc, char** argv) {
  std::string mode = "unbuffered";
  const char* path = nullptr;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--mode" && i + 1 < argc) {
      mode = argv[++i];
    } else if (arg.rfind("--mode=", 0) == 0) {
      mode = arg.substr(7);
    } else if (arg != "-" && arg[0] == '-') {
      return usage();  // unknown flag, or --mode without a value
    } else if (path == nullptr) {
      path = argv[i];
    } else {
      return usage();  // more than one file
    }
  }
  if (path == nullptr ||
      (mode != "unbuffered" && mode != "alloc" && mode != "buffered")) {
    return usage();
  }

  bool is_stdin = std::strcmp(path, "-") == 0;
  int fd = is_stdin ? STDIN_FILENO : ::open(path, O_RDONLY);
  if (fd < 0) {
    std::fprintf(stderr, "words: %s: %s\n", path, std::strerror(errno));
    return 1;
  }

  long words = 0;
  try {
    if (mode == "unbuffered") {
      words = countwords([fd] { return readbyte(fd); });
    } else {
      BufferedReader in(fd);
      if (mode == "alloc") {
        words = countwords([&in] { return readbyte(in); });
      } else {
        words = countwords([&in] { return in.readbyte(); });
      }
    }
  } catch (const std::system_error& e) {
    // Opening can succeed where reading fails, e.g. on a directory.
    std::fprintf(stderr, "words: %s: %s\n", path, std::strerror(e.code().value()));
    return 1;
  }
  if (!is_stdin) ::close(fd);

  std::printf("\"%s\": %ld words\n", path, words);
  return 0;
}
