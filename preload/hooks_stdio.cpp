// glibc's stdio reads and writes through internal entry points the shim
// cannot interpose, so a program using fread or fgets would show no I/O at
// all. These hooks count the coarse stdio calls per file and call site (the
// kernel calls stdio makes for them stay unseen). Per-character calls (getc,
// putc, fgetc, fputc) are left alone: wrapping them would cost more than
// they do.
#include <cstdio>
#include <cstring>

#include "interpose.h"
#include "io_stats.h"

using shim::IoCall;
using shim::RealFunction;
using shimlog::Syscall;

namespace {

// A stream's descriptor, or -1 (memory streams, or none).
int descriptor_of(FILE* stream) { return stream != nullptr ? fileno(stream) : -1; }

}  // namespace

extern "C" {
#pragma GCC visibility push(default)  // the hooks: what the program links to

size_t fread(void* buffer, size_t size, size_t count, FILE* stream) {
    static RealFunction<size_t (*)(void*, size_t, size_t, FILE*)> real("fread");
    IoCall call(descriptor_of(stream), Syscall::fread, size * count, -1, __builtin_return_address(0));
    size_t items = real.get()(buffer, size, count, stream);
    call.finish(static_cast<ssize_t>(items * size));
    return items;
}

char* fgets(char* line, int size, FILE* stream) {
    static RealFunction<char* (*)(char*, int, FILE*)> real("fgets");
    IoCall call(descriptor_of(stream), Syscall::fgets, size > 0 ? size : 0, -1, __builtin_return_address(0));
    char* result = real.get()(line, size, stream);
    call.finish(result != nullptr ? static_cast<ssize_t>(strlen(result)) : 0);
    return result;
}

ssize_t getline(char** line, size_t* capacity, FILE* stream) {
    static RealFunction<ssize_t (*)(char**, size_t*, FILE*)> real("getline");
    IoCall call(descriptor_of(stream), Syscall::getline, 1, -1, __builtin_return_address(0));
    ssize_t result = real.get()(line, capacity, stream);
    call.finish(result > 0 ? result : 0);  // -1 is end of file (or an error ferror tells)
    return result;
}

ssize_t getdelim(char** line, size_t* capacity, int delimiter, FILE* stream) {
    static RealFunction<ssize_t (*)(char**, size_t*, int, FILE*)> real("getdelim");
    IoCall call(descriptor_of(stream), Syscall::getline, 1, -1, __builtin_return_address(0));
    ssize_t result = real.get()(line, capacity, delimiter, stream);
    call.finish(result > 0 ? result : 0);
    return result;
}

size_t fwrite(const void* buffer, size_t size, size_t count, FILE* stream) {
    static RealFunction<size_t (*)(const void*, size_t, size_t, FILE*)> real("fwrite");
    IoCall call(descriptor_of(stream), Syscall::fwrite, size * count, -1, __builtin_return_address(0));
    size_t items = real.get()(buffer, size, count, stream);
    call.finish(static_cast<ssize_t>(items * size));
    return items;
}

int fputs(const char* text, FILE* stream) {
    static RealFunction<int (*)(const char*, FILE*)> real("fputs");
    size_t length = strlen(text);  // fputs's argument may not be null
    IoCall call(descriptor_of(stream), Syscall::fputs, length, -1, __builtin_return_address(0));
    int result = real.get()(text, stream);
    call.finish(result >= 0 ? static_cast<ssize_t>(length) : -1);
    return result;
}

#pragma GCC visibility pop
}  // extern "C"
