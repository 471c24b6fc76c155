#include "harness.h"

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace harness {

std::string repo_root() {
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = '\0';
    std::string path = exe;  // <root>/tests/run_tests
    path = path.substr(0, path.rfind('/'));
    return path.substr(0, path.rfind('/'));
}

std::string shim_path() { return repo_root() + "/preload/libshim.so"; }
std::string analyzer_path() { return repo_root() + "/analyzer/analyzer"; }
std::string words_path() { return repo_root() + "/workloads/words"; }
std::string book_path() { return repo_root() + "/../shared/data/moby.txt"; }
std::string program_path(const std::string& name) { return repo_root() + "/tests/programs/" + name; }
std::string preload() { return "LD_PRELOAD=" + shim_path() + " "; }

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

Result check_report_schema(const std::string& documents, const std::string& dir) {
    return run("python3 " + repo_root() + "/tests/tools/check_schema.py " + repo_root() +
                   "/analyzer/report.schema.json " + documents,
               dir);
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

void write_file(const std::string& path, const std::string& data) {
    std::ofstream out(path, std::ios::binary);
    out << data;
}

Result run(const std::string& command, const std::string& dir) {
    std::string out_path = dir + "/.stdout", err_path = dir + "/.stderr";
    std::string full = "cd '" + dir + "' && (" + command + ") </dev/null >'" + out_path + "' 2>'" + err_path + "'";
    int raw = std::system(full.c_str());
    Result result;
    if (WIFEXITED(raw)) result.status = WEXITSTATUS(raw);
    else if (WIFSIGNALED(raw)) result.status = 128 + WTERMSIG(raw);
    result.out = read_file(out_path);
    result.err = read_file(err_path);
    std::remove(out_path.c_str());
    std::remove(err_path.c_str());
    return result;
}

Result run_measured(const std::string& command, const std::string& dir, long& peak_rss_kb) {
    std::string rss_path = dir + "/.peak_rss";
    Result result = run("/usr/bin/time -f %M -o '" + rss_path + "' " + command, dir);
    peak_rss_kb = std::atol(read_file(rss_path).c_str());
    std::remove(rss_path.c_str());
    return result;
}

std::string scratch_dir(const std::string& name) {
    std::string dir = repo_root() + "/tests/work/" + name;
    std::string command = "rm -rf '" + dir + "' && mkdir -p '" + dir + "'";
    if (std::system(command.c_str()) != 0) return "/tmp";
    return dir;
}

int line_of(const std::string& file, const std::string& needle) {
    std::ifstream in(file);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n)
        if (line.find(needle) != std::string::npos) return n;
    return 0;
}

}  // namespace harness
