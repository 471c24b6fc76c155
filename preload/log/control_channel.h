// The control channel `analyzer ctl` talks to: files in a directory of the
// user's own, /tmp/shim-control.<uid> (mode 0700), named by pid. ctl writes
// <pid>.request (by rename, so it is read whole); the shim's sampler thread
// notices it with one stat every ~50 ms, reads and removes it, acts, and
// answers by renaming <pid>.reply into place. <pid>.ready says the process
// has a channel at all. No descriptor stays open (a daemon that closes or
// dup2s over every descriptor cannot break it, nor be broken by it) and no
// signal is taken from the program. The protocol is also in README.md.
#pragma once
#include <cstddef>
#include <cstdint>

namespace shim {

// Makes the directory (or checks the one there: ours, a directory, 0700) and
// announces this process. False, said once on stderr, when it cannot.
bool control_channel_open(uint32_t pid, const char* log_name);
// The pending request's first line, if any (removed once read).
bool control_channel_take(char* request, size_t size);
// Puts the answer where ctl waits for it.
void control_channel_answer(const char* text);
// At the process's end: no channel any more.
void control_channel_close();
// In a fork child: the files are the parent's, left alone.
void control_channel_forget();

}  // namespace shim
