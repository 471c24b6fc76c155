// The shim's walks of the loader's object list (dl_iterate_phdr: libunwind
// finding unwind tables, glibc's backtrace(), the module map, the exit scan)
// hold glibc's dl_load_write_lock, which a fork child inherits as it was and
// glibc never resets. A fork while another thread of the program was inside
// one of our walks left the child's lock held for good: the child hung at its
// first new stack or at _exit (fork_threads, 1 run in a few under load).
// So each walk is announced here, and fork waits until none is under way.
#pragma once

namespace shim {

// Before a walk: false while a fork is under way (then skip the walk: a
// stack is the call site alone). Pairs with loader_walk_end when true.
bool loader_walk_begin();
void loader_walk_end();

// pthread_atfork: prepare waits (bounded) for walks under way to end; the
// parent and the child then allow new ones.
void loader_walks_before_fork();
void loader_walks_after_fork(bool child);

// Brackets one walk for the scope; `entered()` false: skip it.
class LoaderWalk {
public:
    LoaderWalk() : entered_(loader_walk_begin()) {}
    ~LoaderWalk() {
        if (entered_) loader_walk_end();
    }
    LoaderWalk(const LoaderWalk&) = delete;
    LoaderWalk& operator=(const LoaderWalk&) = delete;
    bool entered() const { return entered_; }

private:
    bool entered_;
};

}  // namespace shim
