// The lock every write of the log file holds (flushes, checkpoints, records
// written at once, the forking thread).
#pragma once
#include <pthread.h>

namespace shim {

// True when this thread now holds the lock (false if another thread kept it
// past the wait, or this thread holds it already: a signal handler).
bool acquire_file_lock(bool wait);
void release_file_lock();

// In a fork child: whoever held it is not in this process.
void file_lock_after_fork_child();

// Cancellation is off while the lock is held (write is a cancellation point).
class FileLock {
public:
    // wait=false: give up at once if another thread is writing (checkpoints).
    explicit FileLock(bool wait = true) {
        pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel_state_);
        held_ = acquire_file_lock(wait);
    }
    ~FileLock() {
        if (held_) release_file_lock();
        pthread_setcancelstate(cancel_state_, nullptr);
    }
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;
    bool held() const { return held_; }

private:
    bool held_ = false;
    int cancel_state_ = 0;
};

}  // namespace shim
