// How threads spent a phase (analysis/thread_time.h), in words: threads of
// one kind grouped ("3 threads (worker()): 92% waiting on counts_mutex in
// wordfreq.cpp (mutex, held at count_locked() at wordfreq.cpp:70), 6% on
// CPU"), for the serial and idle findings and the views that list phases.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "thread_time.h"
#include "../model/model.h"
#include "../symbols/call_sites.h"
#include "../symbols/thread_names.h"

namespace analyzer {

// Names for wait objects and for where locks were held, each looked up once,
// as the phases word them (the exports name objects through views/wait_names.h).
class PhaseWaitNames {
public:
    explicit PhaseWaitNames(CallSites& sites);
    // "counts_mutex in wordfreq.cpp", "condition variable first waited for at
    // worker() at pool.c:40", "thread worker() (tid 12)" for a join.
    std::string object(shimlog::WaitKind kind, uint64_t object);
    // The site that held the mutex longest while others waited (LockHolder
    // records, whole run, most delay first): "count_locked() at
    // wordfreq.cpp:70", with "and N other sites" when there were more; "" when unknown.
    std::string held_at(uint64_t object);
    // A wait site, simplified: "worker() at pool.c:40".
    std::string site(uint32_t stack_id);
    // What a descriptor was, from the log's File records (the latest open of
    // that number): "/data/in.txt", "pipe:[1234]", "socket:[99]"; "fd N" when unknown.
    std::string descriptor(int32_t fd) const;
    ThreadNamer& threads() { return threads_; }
    const Log& log() const { return sites_.log(); }

private:
    CallSites& sites_;
    ThreadNamer threads_;
    std::map<std::pair<int, uint64_t>, std::string> objects_;
    std::map<uint64_t, std::string> holders_;
};

// Threads of one kind (ThreadNamer::group_key), their times summed.
struct ThreadTimeGroup {
    std::string who;             // "the main thread", "worker() (tid 12)", "3 threads (worker())"
    std::vector<uint32_t> tids;
    bool is_main = false;
    ThreadTime total;            // alive_ns and every share summed, waits merged by object
};
// The threads alive in `range` but `except_tid` (0: none left out), grouped,
// the groups with the most time alive first.
std::vector<ThreadTimeGroup> group_thread_times(const RangeTime& range, uint32_t except_tid, PhaseWaitNames& names);

// How the time was spent, most first, as shares of the time alive:
// "92% waiting on counts_mutex in wordfreq.cpp (mutex, held at ...), 6% on CPU".
std::string time_shares(const ThreadTime& t, PhaseWaitNames& names);

// The evidence lines of a phase: one per group of the threads other than
// `running_tid` (every thread when 0), then the threads that had ended or not
// started; and when some waits were lost, that the shares are lower bounds.
// Empty when the range's waits are not known (an older shim, SHIM_WAITS=0).
std::vector<std::string> other_threads_lines(const RangeTime& range, uint32_t running_tid, PhaseWaitNames& names);
// Whether the thread that ran was itself waiting: "the main thread itself
// waited on no lock, condition or join; it ran alone: 97% on CPU", or its
// shares when it did wait; "" when unknown or it was not alive there.
std::string running_thread_line(const RangeTime& range, uint32_t tid, const std::string& who, PhaseWaitNames& names);

// A thread's time blocked in waits that are contention on a lock (mutex,
// rwlock; spinning is on the CPU, ThreadTime::spin_ns) / waits for work or an
// event (condition, semaphore, barrier) / joins.
double lock_wait_ns(const ThreadTime& t);
double work_wait_ns(const ThreadTime& t);
double join_wait_ns(const ThreadTime& t);

}  // namespace analyzer
