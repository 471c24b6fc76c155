// Thread lifetimes: who created each thread, where, what it ran, when it
// started and ended, the CPU it used and the time it spent joining others.
#pragma once
#include <atomic>
#include <cstdint>
#include <pthread.h>

#include "../../format/log_format.h"

namespace shim {

struct ThreadInfo;
struct ThreadIoCounts;  // thread_kernel_io.h

// In pthread_create, before the real call: a record for the new thread.
// Returns null when none can be had (the thread then runs untracked).
ThreadInfo* thread_prepare(void* (*routine)(void*), void* arg, uint64_t create_site);
// The same for C11's thrd_create, whose start routine returns an int.
ThreadInfo* thread_prepare_c11(int (*routine)(void*), void* arg, uint64_t create_site);
// The real pthread_create failed: give the record back.
void thread_abandon(ThreadInfo* info);
// Runs in the new thread: the start routine, bracketed by the bookkeeping.
void* thread_trampoline(void* info);
// thrd_create's: glibc turns the int it returns into the thread's value.
int thread_trampoline_c11(void* info);

void thread_note_exit();                    // pthread_exit: it did not return
void thread_add_join_wait(uint64_t ticks);  // time this thread spent in pthread_join

// Writes records for the threads still alive, the main thread among them
// (inside log_flush).
// direct: written straight through sink_record, inside a flush (a snapshot).
void threads_write_alive(bool direct = false);

// Calls visit(tid) for every live thread the hooks know of.
template <typename Visit>
void threads_for_each_live(Visit visit);

void threads_init();              // the main thread, the thread-end key
void threads_after_fork_child();  // only the forking thread lives on

// CPU time of the threads that have ended so far (for the sampler's sums);
// short-lived threads whose clocks were not read count at the sample's mean.
uint64_t threads_ended_cpu_ns();

// CPU time of any thread of this process, by kernel thread id.
uint64_t thread_cpu_ns(uint32_t tid);

// ---- internals the template needs ----
struct ThreadInfo {
    ThreadInfo* next;
    std::atomic<bool> in_use;
    std::atomic<uint32_t> tid;  // 0 until the thread runs
    uint32_t parent_tid;
    uint32_t create_stack;
    bool is_main;
    shimlog::ThreadEnd end;
    void* (*routine)(void*);  // for C11 (c11) an int (*)(void*), cast back before the call
    void* arg;
    bool c11;
    uint64_t create_ticks;
    uint64_t start_ticks;
    uint64_t join_wait_ticks;
    uint64_t joins;
    std::atomic<ThreadIoCounts*> io;  // its read/write counts (in its TLS) while it runs
};
ThreadInfo* threads_first();

template <typename Visit>
void threads_for_each_live(Visit visit) {
    for (ThreadInfo* t = threads_first(); t; t = t->next) {
        if (!t->in_use.load(std::memory_order_acquire)) continue;
        uint32_t tid = t->tid.load(std::memory_order_acquire);
        if (tid != 0) visit(tid);
    }
}

}  // namespace shim
