// Printable names of the intercepted syscalls, from the format's X-macro.
#pragma once
#include "../../format/log_format.h"

namespace analyzer {

inline const char* syscall_name(shimlog::Syscall s) {
    switch (s) {
#define SHIMLOG_SYSCALL_NAME(name, id, text, writes) case shimlog::Syscall::name: return text;
        SHIMLOG_SYSCALLS(SHIMLOG_SYSCALL_NAME)
#undef SHIMLOG_SYSCALL_NAME
    }
    return "?";
}

inline const char* file_kind_name(shimlog::FileKind kind) {
    switch (kind) {
        case shimlog::FileKind::Regular: return "file";
        case shimlog::FileKind::Pipe: return "pipe";
        case shimlog::FileKind::Tty: return "tty";
        case shimlog::FileKind::Socket: return "socket";
        case shimlog::FileKind::CharDevice: return "chardev";
        case shimlog::FileKind::Directory: return "dir";
        case shimlog::FileKind::Other: return "other";
        case shimlog::FileKind::Unknown: break;
    }
    return "?";
}

// How a stdio stream buffers, as a report says it.
inline const char* buffering_name(shimlog::StreamBuffering b) {
    switch (b) {
        case shimlog::StreamBuffering::Unbuffered: return "unbuffered";
        case shimlog::StreamBuffering::Line: return "line-buffered";
        case shimlog::StreamBuffering::Full: return "fully buffered";
        case shimlog::StreamBuffering::NotStream: break;
    }
    return "not a stream";
}

}  // namespace analyzer
