// Talking to a traced process's shim. See control_client.h.
#include "control_client.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <pwd.h>
#include <sstream>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../format/control_protocol.h"

namespace analyzer {
namespace {

std::string user_name(uid_t uid) {
    struct passwd* pw = getpwuid(uid);
    return pw != nullptr ? std::string(pw->pw_name) + " (uid " + std::to_string(uid) + ")"
                         : "uid " + std::to_string(uid);
}

ControlAnswer failure(const std::string& text) { return ControlAnswer{false, text}; }

bool exists(const std::string& path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0;
}

// Whether /proc/PID/maps names the shim; sets `error` when it cannot be read.
bool shim_mapped(const std::string& proc, std::string& error) {
    std::ifstream maps(proc + "/maps");
    if (!maps) {
        error = std::string("cannot read ") + proc + "/maps: " + strerror(errno);
        return false;
    }
    std::string line;
    while (std::getline(maps, line))
        if (line.find("/libshim.so") != std::string::npos) return true;
    return false;
}

std::string whole_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Whether <pid>.ready was written by this very process: its start time is the
// one /proc gives now (format/control_protocol.h), not a dead one's of that pid.
bool channel_of(const std::string& proc, const std::string& ready) {
    std::string announced = whole_file(ready);
    std::string prefix = shimlog::kReadyStartPrefix;
    if (announced.compare(0, prefix.size(), prefix) != 0) return false;
    uint64_t started = shimlog::proc_stat_start_time(whole_file(proc + "/stat").c_str());
    return started != 0 && std::strtoull(announced.c_str() + prefix.size(), nullptr, 10) == started;
}

bool write_whole(const std::string& path, const std::string& text) {
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return false;
    bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    return close(fd) == 0 && ok;
}

}  // namespace

ControlAnswer control_process(long pid, const std::string& request, int timeout_ms) {
    std::string id = std::to_string(pid);
    std::string proc = "/proc/" + id;
    struct stat st;
    if (pid <= 0 || stat(proc.c_str(), &st) != 0) return failure("no process " + id + " (not running)");
    if (st.st_uid != geteuid())
        return failure("process " + id + " belongs to " + user_name(st.st_uid) + ", not to " + user_name(geteuid()) +
                       ": run analyzer ctl as that user");
    std::string dir = "/tmp/shim-control." + std::to_string(geteuid());
    std::string base = dir + "/" + id;
    // The channel's own announcement decides, whatever the library is called;
    // the maps only word the refusal.
    if (!channel_of(proc, base + ".ready")) {
        std::string error;
        if (shim_mapped(proc, error))
            return failure("process " + id +
                           " is traced but has no control channel: start it with SHIM_START=paused or SHIM_START=running");
        if (!error.empty()) return failure(error);
        return failure("process " + id + " is not traced: libshim.so is not loaded in it");
    }
    std::string reply = base + ".reply";
    unlink(reply.c_str());  // an answer nobody collected
    std::string tmp = base + ".request." + std::to_string(getpid());
    if (!write_whole(tmp, request + "\n") || rename(tmp.c_str(), (base + ".request").c_str()) != 0) {
        std::string why = strerror(errno);
        unlink(tmp.c_str());
        return failure("cannot write the request in " + dir + ": " + why);
    }
    for (int waited = 0; waited <= timeout_ms; waited += 10) {
        std::ifstream in(reply);
        if (in) {
            std::stringstream text;
            text << in.rdbuf();
            in.close();
            unlink(reply.c_str());
            std::string answer = text.str();
            while (!answer.empty() && answer.back() == '\n') answer.pop_back();
            if (answer.compare(0, 3, "ok ") == 0) return ControlAnswer{true, answer.substr(3)};
            if (answer.compare(0, 6, "error ") == 0) return failure(answer.substr(6));
            return failure("process " + id + " gave an answer that is not one: " + answer);
        }
        if (!exists(proc)) return failure("process " + id + " ended before answering");
        struct timespec ten_ms = {0, 10 * 1000000};
        nanosleep(&ten_ms, nullptr);
    }
    unlink((base + ".request").c_str());
    return failure("no answer from process " + id + " within " + std::to_string(timeout_ms / 1000.0).substr(0, 4) +
                   " s (its shim reads requests on its sampler thread every ~50 ms: is the process stopped?)");
}

}  // namespace analyzer
