// glibc's stdio reads and writes through internal entry points the shim
// cannot interpose, so a program using fread or fgets would show no I/O at
// all. These hooks count the coarse stdio calls per file and call site, the
// _unlocked forms, the printf family (and its fortified __*_chk forms) and
// fflush, with the bytes it pushed out: the kernel calls stdio makes for them
// stay unseen, and are counted by the kernel (kernel_io.h). Per-character
// calls (getc, putc, fgetc, fputc) are left alone: wrapping them would cost
// more than they do.
#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "interpose.h"
#include "../record/io_stats.h"

using shim::StdioCall;
using shim::RealFunction;
using shimlog::Syscall;

namespace {

// A stream's descriptor, or -1 (memory streams, or none).
int descriptor_of(FILE* stream) { return stream != nullptr ? fileno(stream) : -1; }

// What a flush of `stream` has to write: glibc's FILE is public, its pending
// output lies between _IO_write_base and _IO_write_ptr.
size_t pending_output(FILE* stream) {
    if (stream == nullptr || stream->_IO_write_ptr < stream->_IO_write_base) return 0;
    return static_cast<size_t>(stream->_IO_write_ptr - stream->_IO_write_base);
}

// One printf-family call on `fd`, whatever form it came in.
template <typename Print>
int traced_print(int fd, void* site, Print print) {
    StdioCall call(fd, Syscall::printf, 0, site);
    int written = print();
    call.finish(written >= 0 ? written : -1);
    return written;
}

// Each of these serves a locked function and its _unlocked twin.
template <typename Fn>
size_t counted_fread(RealFunction<Fn>& real, void* buffer, size_t size, size_t count, FILE* stream, void* site) {
    StdioCall call(descriptor_of(stream), Syscall::fread, size * count, site);
    size_t items = real.get()(buffer, size, count, stream);
    call.finish(static_cast<ssize_t>(items * size));
    return items;
}

template <typename Fn>
char* counted_fgets(RealFunction<Fn>& real, char* line, int size, FILE* stream, void* site) {
    StdioCall call(descriptor_of(stream), Syscall::fgets, size > 0 ? size : 0, site);
    char* result = real.get()(line, size, stream);
    call.finish(result != nullptr ? static_cast<ssize_t>(strlen(result)) : 0);
    return result;
}

template <typename Fn>
size_t counted_fwrite(RealFunction<Fn>& real, const void* buffer, size_t size, size_t count, FILE* stream,
                      void* site) {
    StdioCall call(descriptor_of(stream), Syscall::fwrite, size * count, site);
    size_t items = real.get()(buffer, size, count, stream);
    call.finish(static_cast<ssize_t>(items * size));
    return items;
}

template <typename Fn>
int counted_fputs(RealFunction<Fn>& real, const char* text, FILE* stream, void* site) {
    size_t length = strlen(text);  // fputs's argument may not be null
    StdioCall call(descriptor_of(stream), Syscall::fputs, length, site);
    int result = real.get()(text, stream);
    call.finish(result >= 0 ? static_cast<ssize_t>(length) : -1);
    return result;
}

// fflush(NULL) flushes every stream: counted without a file.
template <typename Fn>
int counted_fflush(RealFunction<Fn>& real, FILE* stream, void* site) {
    size_t pending = pending_output(stream);
    StdioCall call(descriptor_of(stream), Syscall::fflush, pending, site);
    int result = real.get()(stream);
    call.finish(result == 0 ? static_cast<ssize_t>(pending) : -1);
    return result;
}

}  // namespace

extern "C" {
#pragma GCC visibility push(default)  // the hooks: what the program links to

#define SITE __builtin_return_address(0)

size_t fread(void* buffer, size_t size, size_t count, FILE* stream) {
    static RealFunction<size_t (*)(void*, size_t, size_t, FILE*)> real("fread");
    return counted_fread(real, buffer, size, count, stream, SITE);
}

size_t fread_unlocked(void* buffer, size_t size, size_t count, FILE* stream) {
    static RealFunction<size_t (*)(void*, size_t, size_t, FILE*)> real("fread_unlocked");
    return counted_fread(real, buffer, size, count, stream, SITE);
}

char* fgets(char* line, int size, FILE* stream) {
    static RealFunction<char* (*)(char*, int, FILE*)> real("fgets");
    return counted_fgets(real, line, size, stream, SITE);
}

char* fgets_unlocked(char* line, int size, FILE* stream) {
    static RealFunction<char* (*)(char*, int, FILE*)> real("fgets_unlocked");
    return counted_fgets(real, line, size, stream, SITE);
}

ssize_t getline(char** line, size_t* capacity, FILE* stream) {
    static RealFunction<ssize_t (*)(char**, size_t*, FILE*)> real("getline");
    StdioCall call(descriptor_of(stream), Syscall::getline, 1, __builtin_return_address(0));
    ssize_t result = real.get()(line, capacity, stream);
    call.finish(result > 0 ? result : 0);  // -1 is end of file (or an error ferror tells)
    return result;
}

ssize_t getdelim(char** line, size_t* capacity, int delimiter, FILE* stream) {
    static RealFunction<ssize_t (*)(char**, size_t*, int, FILE*)> real("getdelim");
    StdioCall call(descriptor_of(stream), Syscall::getline, 1, __builtin_return_address(0));
    ssize_t result = real.get()(line, capacity, delimiter, stream);
    call.finish(result > 0 ? result : 0);
    return result;
}

size_t fwrite(const void* buffer, size_t size, size_t count, FILE* stream) {
    static RealFunction<size_t (*)(const void*, size_t, size_t, FILE*)> real("fwrite");
    return counted_fwrite(real, buffer, size, count, stream, SITE);
}

size_t fwrite_unlocked(const void* buffer, size_t size, size_t count, FILE* stream) {
    static RealFunction<size_t (*)(const void*, size_t, size_t, FILE*)> real("fwrite_unlocked");
    return counted_fwrite(real, buffer, size, count, stream, SITE);
}

int fputs(const char* text, FILE* stream) {
    static RealFunction<int (*)(const char*, FILE*)> real("fputs");
    return counted_fputs(real, text, stream, SITE);
}

int fputs_unlocked(const char* text, FILE* stream) {
    static RealFunction<int (*)(const char*, FILE*)> real("fputs_unlocked");
    return counted_fputs(real, text, stream, SITE);
}

int puts(const char* text) {
    static RealFunction<int (*)(const char*)> real("puts");
    size_t length = strlen(text) + 1;  // and its newline
    StdioCall call(descriptor_of(stdout), Syscall::fputs, length, __builtin_return_address(0));
    int result = real.get()(text);
    call.finish(result >= 0 ? static_cast<ssize_t>(length) : -1);
    return result;
}

int fflush(FILE* stream) {
    static RealFunction<int (*)(FILE*)> real("fflush");
    return counted_fflush(real, stream, SITE);
}

int fflush_unlocked(FILE* stream) {
    static RealFunction<int (*)(FILE*)> real("fflush_unlocked");
    return counted_fflush(real, stream, SITE);
}

int vfprintf(FILE* stream, const char* format, va_list args) {
    static RealFunction<int (*)(FILE*, const char*, va_list)> real("vfprintf");
    return traced_print(descriptor_of(stream), __builtin_return_address(0),
                        [&] { return real.get()(stream, format, args); });
}

int vprintf(const char* format, va_list args) {
    static RealFunction<int (*)(FILE*, const char*, va_list)> real("vfprintf");
    return traced_print(descriptor_of(stdout), __builtin_return_address(0),
                        [&] { return real.get()(stdout, format, args); });
}

int fprintf(FILE* stream, const char* format, ...) {
    static RealFunction<int (*)(FILE*, const char*, va_list)> real("vfprintf");
    va_list args;
    va_start(args, format);
    int written = traced_print(descriptor_of(stream), __builtin_return_address(0),
                               [&] { return real.get()(stream, format, args); });
    va_end(args);
    return written;
}

int printf(const char* format, ...) {
    static RealFunction<int (*)(FILE*, const char*, va_list)> real("vfprintf");
    va_list args;
    va_start(args, format);
    int written = traced_print(descriptor_of(stdout), __builtin_return_address(0),
                               [&] { return real.get()(stdout, format, args); });
    va_end(args);
    return written;
}

// Fortified builds (-D_FORTIFY_SOURCE, Debian's default) call these instead.
int __vfprintf_chk(FILE* stream, int flag, const char* format, va_list args) {
    static RealFunction<int (*)(FILE*, int, const char*, va_list)> real("__vfprintf_chk");
    return traced_print(descriptor_of(stream), __builtin_return_address(0),
                        [&] { return real.get()(stream, flag, format, args); });
}

int __vprintf_chk(int flag, const char* format, va_list args) {
    static RealFunction<int (*)(FILE*, int, const char*, va_list)> real("__vfprintf_chk");
    return traced_print(descriptor_of(stdout), __builtin_return_address(0),
                        [&] { return real.get()(stdout, flag, format, args); });
}

int __fprintf_chk(FILE* stream, int flag, const char* format, ...) {
    static RealFunction<int (*)(FILE*, int, const char*, va_list)> real("__vfprintf_chk");
    va_list args;
    va_start(args, format);
    int written = traced_print(descriptor_of(stream), __builtin_return_address(0),
                               [&] { return real.get()(stream, flag, format, args); });
    va_end(args);
    return written;
}

int __printf_chk(int flag, const char* format, ...) {
    static RealFunction<int (*)(FILE*, int, const char*, va_list)> real("__vfprintf_chk");
    va_list args;
    va_start(args, format);
    int written = traced_print(descriptor_of(stdout), __builtin_return_address(0),
                               [&] { return real.get()(stdout, flag, format, args); });
    va_end(args);
    return written;
}

#pragma GCC visibility pop
}  // extern "C"
