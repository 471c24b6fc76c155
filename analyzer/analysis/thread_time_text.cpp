#include "thread_time_text.h"

#include <algorithm>

#include "wait_objects.h"
#include "../symbols/name_simplify.h"
#include "../text/format.h"

namespace analyzer {
namespace {

// Shares under this part of a thread's time are left out of its line, and
// at most kSharesListed are named; at most kGroupsListed groups get a line.
constexpr double kMinShare = 0.01;
constexpr size_t kSharesListed = 4;
constexpr size_t kGroupsListed = 4;
// A thread that spent less than this share of its time waiting "waited on nothing".
constexpr double kNoWaitShare = 0.01;

bool is_join(const ObjectWait& w) { return w.kind == shimlog::WaitKind::Join; }

std::string plural(uint64_t n, const char* one, const char* many) {
    return with_commas(n) + " " + (n == 1 ? one : many);
}

struct Share {
    double ns;
    std::string what;
};

// "waiting on counts_mutex in wordfreq.cpp (mutex, held at ...)": the kind
// said once, where the object's name does not already start with it.
std::string wait_text(const ObjectWait& w, PhaseWaitNames& names) {
    std::string label = names.object(w.kind, w.object);
    std::string kind = wait_kind_name(w.kind);
    std::vector<std::string> notes;
    if (label.compare(0, kind.size(), kind) != 0 && label.compare(0, 6, "rwlock") != 0) notes.push_back(kind);
    else if (w.kind == shimlog::WaitKind::RwRead || w.kind == shimlog::WaitKind::RwWrite)
        notes.push_back(w.kind == shimlog::WaitKind::RwRead ? "to read" : "to write");
    if (w.kind == shimlog::WaitKind::Mutex) {
        std::string held = names.held_at(w.object);
        if (!held.empty()) notes.push_back("held at " + held);
    }
    std::string note;
    for (const std::string& n : notes) note += (note.empty() ? " (" : ", ") + n;
    if (!note.empty()) note += ")";
    if (is_lock_wait(w.kind)) return "waiting on " + label + note;
    return "waiting for work or an event on " + label + note + (w.stack_id ? " at " + names.site(w.stack_id) : "");
}

// A joined thread: "worker() (tid 12)", "thread from main() at x.cpp:9 (tid 12)".
std::string joined_thread(uint64_t tid, PhaseWaitNames& names) {
    // Past half its wait-site table the shim keys every join 0 (log_format.h).
    if (tid == 0) return "threads the log does not tell apart";
    for (const ThreadInfo& t : names.log().threads)
        if (t.tid == tid) return names.threads().label(t) + " (tid " + std::to_string(tid) + ")";
    return "tid " + std::to_string(tid);
}

// Joins are one share however many threads were joined: "in pthread_join
// of worker() (tid 12)", or "of 8 threads (the longest: tid 12, worker())".
std::string join_text(const std::vector<const ObjectWait*>& joins, PhaseWaitNames& names) {
    const ObjectWait* longest = joins[0];
    for (const ObjectWait* j : joins)
        if (j->ns > longest->ns) longest = j;
    if (joins.size() == 1) return "in pthread_join of " + joined_thread(longest->object, names);
    return "in pthread_join of " + plural(joins.size(), "thread", "threads") + " (the longest: " +
           joined_thread(longest->object, names) + ")";
}

std::vector<Share> shares_of(const ThreadTime& t, PhaseWaitNames& names) {
    std::vector<Share> shares;
    std::vector<const ObjectWait*> joins;
    double join_ns = 0;
    std::string spinning;  // the spin locks, named inside the CPU share
    for (const ObjectWait& w : t.waits) {
        if (w.kind == shimlog::WaitKind::Spin) {
            if (w.ns >= kMinShare * t.alive_ns)
                spinning += (spinning.empty() ? " (" : ", ") + percent(w.ns, t.alive_ns) + " spinning on " +
                            names.object(w.kind, w.object);
            continue;
        }
        if (is_join(w)) {
            joins.push_back(&w), join_ns += w.ns;
            continue;
        }
        // Only the ones that will be shown are named (a lookup is a symbol search).
        if (w.ns >= kMinShare * t.alive_ns) shares.push_back({w.ns, wait_text(w, names)});
    }
    if (!joins.empty() && join_ns >= kMinShare * t.alive_ns) shares.push_back({join_ns, join_text(joins, names)});
    // Spinning is time on the CPU: a part of that share, not a share beside it.
    shares.push_back({t.cpu_ns, "on CPU" + (spinning.empty() ? "" : spinning + ")")});
    shares.push_back({t.runnable_ns, "runnable without a free core"});
    // Threads whose run-queue time was never read may have been waiting for a core too.
    bool unread = t.unread_ns >= 0.5 * t.alive_ns;
    if (t.blocked_readings > 0 && !unread) {
        // The sampler found it blocked in these syscalls: the time no hook saw, split as they were.
        static const char* const kBlockedText[kBlockedKinds] = {
            "in I/O or waiting on a descriptor (read/write, sockets, poll/epoll)",
            "sleeping (nanosleep, pause)", "in a futex no hook sees (an unhooked lock, an atomic wait, a static-init guard)",
            "waiting for a child process", "in another syscall"};
        // I/O on a named descriptor is a share of its own, "in I/O on pipe:[1234]".
        double io_unnamed = t.unseen_in[0];
        for (const auto& fd : t.io_on) {
            if (fd.second < kMinShare * t.alive_ns) continue;
            shares.push_back({fd.second, "in I/O on " + names.descriptor(fd.first)});
            io_unnamed -= fd.second;
        }
        shares.push_back({std::max(0.0, io_unnamed), kBlockedText[0]});
        for (size_t k = 1; k < kBlockedKinds; ++k) shares.push_back({t.unseen_in[k], kBlockedText[k]});
    } else {
        shares.push_back({t.unseen_ns, unread ? "off CPU where no hook sees (blocked in I/O, sleep or a futex, or "
                                                "waiting for a core: its run-queue time was not read)"
                                              : "blocked where no hook sees (I/O, sleep, a futex)"});
    }
    std::stable_sort(shares.begin(), shares.end(), [](const Share& a, const Share& b) { return a.ns > b.ns; });
    return shares;
}

std::string group_name(const ThreadTimeGroup& g, const std::string& label) {
    if (g.is_main) return "the main thread";
    if (g.tids.size() == 1) return label + " (tid " + std::to_string(g.tids[0]) + ")";
    return plural(g.tids.size(), "thread", "threads") + " (" + label + ")";
}

}  // namespace

PhaseWaitNames::PhaseWaitNames(CallSites& sites) : sites_(sites), threads_(sites) {}

std::string PhaseWaitNames::object(shimlog::WaitKind kind, uint64_t object) {
    auto key = std::make_pair(kind == shimlog::WaitKind::RwRead ? int(shimlog::WaitKind::RwWrite) : int(kind), object);
    auto found = objects_.find(key);
    if (found != objects_.end()) return found->second;
    // Named by its most frequent wait site over the run, so every phase
    // calls the same object by the same name.
    const WaitSite* most = nullptr;
    for (const WaitSite& s : log().waits.sites)
        if (s.object == object && (s.kind == kind || (is_lock_wait(s.kind) && is_lock_wait(kind))) &&
            (most == nullptr || s.waits > most->waits))
            most = &s;
    return objects_[key] = wait_object_label(object, kind, most ? most->stack_id : 0, threads_);
}

std::string PhaseWaitNames::held_at(uint64_t object) {
    auto found = holders_.find(object);
    if (found != holders_.end()) return found->second;
    const LockHolder* most = nullptr;
    size_t sites = 0;
    for (const LockHolder& h : log().waits.holders) {
        if (h.object != object || h.stack_id == 0) continue;
        sites++;
        if (most == nullptr || h.delay_ns > most->delay_ns) most = &h;
    }
    std::string text = most ? site(most->stack_id) : "";
    if (sites > 1) text += " and " + plural(sites - 1, "other site", "other sites");
    return holders_[object] = text;
}

std::string PhaseWaitNames::site(uint32_t stack_id) { return simplify_site(sites_.site_name(stack_id, 0)); }

std::string PhaseWaitNames::descriptor(int32_t fd) const {
    const FileInfo* latest = nullptr;  // files by id: a later open of the number has a larger id
    for (const auto& file : log().files)
        if (file.second.fd == fd) latest = &file.second;
    return latest != nullptr ? latest->name() : "fd " + std::to_string(fd);
}

double lock_wait_ns(const ThreadTime& t) {
    double ns = 0;
    for (const ObjectWait& w : t.waits) ns += is_lock_wait(w.kind) && w.kind != shimlog::WaitKind::Spin ? w.ns : 0;
    return ns;
}

double join_wait_ns(const ThreadTime& t) {
    double ns = 0;
    for (const ObjectWait& w : t.waits) ns += is_join(w) ? w.ns : 0;
    return ns;
}

double work_wait_ns(const ThreadTime& t) { return t.blocked_ns() - lock_wait_ns(t) - join_wait_ns(t); }

std::vector<ThreadTimeGroup> group_thread_times(const RangeTime& range, uint32_t except_tid, PhaseWaitNames& names) {
    const Log& log = names.log();
    std::vector<ThreadTimeGroup> groups;
    std::map<std::string, size_t> index;  // by group key
    for (const ThreadTime& t : range.threads) {
        if (t.tid == except_tid || t.thread >= log.threads.size()) continue;
        const ThreadInfo& info = log.threads[t.thread];
        std::string key = names.threads().group_key(info);
        auto found = index.find(key);
        if (found == index.end()) {
            index[key] = groups.size();
            ThreadTimeGroup g;
            g.is_main = info.is_main;
            g.tids.push_back(t.tid);
            g.total = t;
            g.who = names.threads().label(info);  // the label for now; the name once the count is known
            groups.push_back(std::move(g));
            continue;
        }
        ThreadTimeGroup& g = groups[found->second];
        g.tids.push_back(t.tid);
        add_thread_time(g.total, t);
    }
    for (ThreadTimeGroup& g : groups) g.who = group_name(g, g.who);
    std::stable_sort(groups.begin(), groups.end(), [](const ThreadTimeGroup& a, const ThreadTimeGroup& b) {
        return a.total.alive_ns > b.total.alive_ns;
    });
    return groups;
}

std::string time_shares(const ThreadTime& t, PhaseWaitNames& names) {
    std::string text;
    size_t listed = 0;
    for (const Share& s : shares_of(t, names)) {
        if (s.ns < kMinShare * t.alive_ns || listed == kSharesListed) break;
        text += (listed++ ? ", " : "") + percent(s.ns, t.alive_ns) + " " + s.what;
    }
    return text.empty() ? "no time measured" : text;
}

std::vector<std::string> other_threads_lines(const RangeTime& range, uint32_t running_tid, PhaseWaitNames& names) {
    std::vector<std::string> lines;
    if (!range.known) return lines;
    std::vector<ThreadTimeGroup> groups = group_thread_times(range, running_tid, names);
    const char* lead = running_tid ? "meanwhile " : "";
    for (size_t i = 0; i < groups.size() && i < kGroupsListed; ++i)
        lines.push_back(lead + groups[i].who + ": " + time_shares(groups[i].total, names));
    if (groups.size() > kGroupsListed) {
        size_t more = 0;
        for (size_t i = kGroupsListed; i < groups.size(); ++i) more += groups[i].tids.size();
        lines.push_back("and " + plural(more, "other thread", "other threads") + " of " +
                        plural(groups.size() - kGroupsListed, "other kind", "other kinds"));
    }
    std::vector<std::string> absent;
    if (range.ended) absent.push_back(plural(range.ended, "thread", "threads") + " had ended");
    if (range.not_started) absent.push_back(plural(range.not_started, "thread", "threads") + " had not started yet");
    if (!absent.empty()) {
        std::string line = absent[0] + (absent.size() > 1 ? ", " + absent[1] : "");
        if (groups.empty()) line += ": no other thread was alive";
        lines.push_back(line);
    }
    if (range.waits_dropped > 0 && !groups.empty())
        lines.push_back(with_commas(range.waits_dropped) +
                        " waits were lost to full buffers in the run: the wait shares above are lower bounds");
    return lines;
}

std::string running_thread_line(const RangeTime& range, uint32_t tid, const std::string& who, PhaseWaitNames& names) {
    if (!range.known || tid == 0) return "";
    const ThreadTime* t = range.thread(tid);
    if (t == nullptr || t->alive_ns <= 0) return "";
    bool alone = range.threads.size() == 1;
    if (t->waited_ns() < kNoWaitShare * t->alive_ns)
        return who + " itself waited on no lock, condition or join; " + (alone ? "it ran alone: " : "") +
               time_shares(*t, names);
    return who + " itself: " + time_shares(*t, names);
}

}  // namespace analyzer
