// mandelbrot: render the Mandelbrot set to a greyscale PNG, four ways.
//
// The modes differ only in how the pixels are shared out among threads
// (a C++ retelling of a Go profiling talk):
//   seq      one thread computes every pixel
//   px       a thread per pixel: starting a thread costs more than its work
//   row      a thread per row
//   workers  N threads pulling rows from a shared counter
// Encoding the PNG afterwards is serial, on the main thread, in every mode.
//
// Usage: mandelbrot [-mode seq|px|row|workers] [-workers N]
//                   [-w WIDTH] [-h HEIGHT] [-o FILE]

#include <png.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

static const char kUsage[] =
    "usage: mandelbrot [-mode seq|px|row|workers] [-workers N] "
    "[-w WIDTH] [-h HEIGHT] [-o FILE]";

// An 8-bit greyscale image, one byte per pixel, row by row.
struct Image {
  Image(int w, int h) : width(w), height(h), pixels(size_t(w) * h) {}
  uint8_t& at(int x, int y) { return pixels[size_t(y) * width + x]; }

  int width, height;
  std::vector<uint8_t> pixels;
};

// The grey level of pixel (x, y): the pixel maps to c in [-2,2] x [-2,2]
// and z = z*z + c is iterated from 0. Points that never escape |z| > 2 in
// kMaxIter steps are in the set and black; the others get 255 - (i % 256)
// for escape step i, so fast escapers are near white and bands cycle.
static uint8_t pixel(int x, int y, int width, int height) {
  constexpr int kMaxIter = 1000;
  const double cr = double(x) / width * 4 - 2;
  const double ci = double(y) / height * 4 - 2;
  double zr = 0, zi = 0;
  for (int i = 0; i < kMaxIter; ++i) {
    const double next_zr = zr * zr - zi * zi + cr;
    zi = 2 * zr * zi + ci;
    zr = next_zr;
    if (zr * zr + zi * zi > 4) return uint8_t(255 - i % 256);
  }
  return 0;
}

static void render_row(Image& img, int y) {
  for (int x = 0; x < img.width; ++x) img.at(x, y) = pixel(x, y, img.width, img.height);
}

// Threads joined when the group goes out of scope, so that none is left
// running (which would abort) if starting a later one throws.
class ThreadGroup {
 public:
  template <typename Fn>
  void start(Fn fn) { threads_.emplace_back(std::move(fn)); }
  void join() {
    for (std::thread& t : threads_) t.join();
    threads_.clear();
  }
  ~ThreadGroup() { join(); }

 private:
  std::vector<std::thread> threads_;
};

// Runs task(0) .. task(count - 1), each on a thread of its own, started and
// joined kBatch at a time so memory stays bounded however large count is.
template <typename Task>
static void thread_per_task(size_t count, Task task) {
  constexpr size_t kBatch = 1024;
  ThreadGroup group;
  for (size_t first = 0; first < count; first += kBatch) {
    for (size_t i = first; i < std::min(count, first + kBatch); ++i) {
      group.start([&task, i] { task(i); });
    }
    group.join();
  }
}

static void render_seq(Image& img) {
  for (int y = 0; y < img.height; ++y) render_row(img, y);
}

static void render_px(Image& img) {
  thread_per_task(img.pixels.size(), [&img](size_t i) {
    int x = int(i % img.width), y = int(i / img.width);
    img.at(x, y) = pixel(x, y, img.width, img.height);
  });
}

static void render_row_per_thread(Image& img) {
  thread_per_task(size_t(img.height), [&img](size_t y) { render_row(img, int(y)); });
}

static void render_workers(Image& img, int workers) {
  std::atomic<int> next_row{0};  // the shared queue: rows not yet taken
  ThreadGroup group;
  for (int i = 0; i < workers; ++i) {
    group.start([&img, &next_row] {
      for (int y = next_row++; y < img.height; y = next_row++) render_row(img, y);
    });
  }
}

// Encodes img as an 8-bit greyscale PNG (default compression) at path.
// Returns an empty string on success, else libpng's reason.
static std::string write_png(const Image& img, const char* path) {
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  png.width = png_uint_32(img.width);
  png.height = png_uint_32(img.height);
  png.format = PNG_FORMAT_GRAY;
  if (png_image_write_to_file(&png, path, 0, img.pixels.data(), 0, nullptr)) return "";
  return png.message;
}

[[noreturn]] static void usage_error(const std::string& why) {
  std::fprintf(stderr, "mandelbrot: %s; %s\n", why.c_str(), kUsage);
  std::exit(2);
}

static int positive_int(const std::string& flag, const std::string& value) {
  errno = 0;
  char* end = nullptr;
  long n = std::strtol(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0' || errno != 0 || n <= 0 || n > INT_MAX) {
    usage_error("invalid value \"" + value + "\" for -" + flag);
  }
  return int(n);
}

int main(int argc, char** argv) {
  std::string mode = "seq", out = "mandelbrot.png";
  int width = 1024, height = 1024;
  int workers = int(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));

  // Go-style flags: -name value or -name=value, with one dash or two.
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.size() < 2 || arg[0] != '-') usage_error("unexpected argument " + arg);
    std::string name = arg.substr(arg[1] == '-' ? 2 : 1), value;
    size_t eq = name.find('=');
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    if (name != "mode" && name != "workers" && name != "w" && name != "h" && name != "o") {
      usage_error("unknown flag -" + name);
    }
    if (eq == std::string::npos) {
      if (i + 1 == argc) usage_error("flag needs a value: -" + name);
      value = argv[++i];
    }
    if (name == "mode") mode = value;
    else if (name == "workers") workers = positive_int(name, value);
    else if (name == "w") width = positive_int(name, value);
    else if (name == "h") height = positive_int(name, value);
    else out = value;
  }
  if (mode != "seq" && mode != "px" && mode != "row" && mode != "workers") {
    usage_error("unknown mode " + mode);
  }

  try {
    Image img(width, height);
    if (mode == "seq") render_seq(img);
    else if (mode == "px") render_px(img);
    else if (mode == "row") render_row_per_thread(img);
    else render_workers(img, workers);

    std::string error = write_png(img, out.c_str());
    if (!error.empty()) {
      std::fprintf(stderr, "mandelbrot: %s: %s\n", out.c_str(), error.c_str());
      return 1;
    }
  } catch (const std::system_error& e) {  // the system ran out of threads
    std::fprintf(stderr, "mandelbrot: cannot start a thread: %s\n", e.what());
    return 1;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "mandelbrot: out of memory for a %dx%d image\n", width, height);
    return 1;
  }
  return 0;
}
