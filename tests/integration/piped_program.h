// A test program that runs until told to stop: it takes one command a line on
// its standard input and answers each with one line in out.txt, the first of
// which is "pid N" (serve_requests, handoff_blocks). Started in `dir` with
// the settings `env` in its environment.
#pragma once
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <sys/wait.h>
#include <thread>

#include "harness.h"

namespace harness {

class PipedProgram {
public:
    PipedProgram(const std::string& dir, const std::string& env, const std::string& program_and_args) : dir_(dir) {
        std::string command = "cd '" + dir + "' && exec env " + env + " " + program_and_args + " > out.txt";
        pipe_ = popen(command.c_str(), "w");
        REQUIRE(pipe_ != nullptr);
        wait_lines(1);
        pid = std::stol(lines_of(output())[0].substr(4));
    }
    ~PipedProgram() {
        if (pipe_ != nullptr) pclose(pipe_);
    }
    PipedProgram(const PipedProgram&) = delete;
    PipedProgram& operator=(const PipedProgram&) = delete;

    // Sends one command and waits for its answer line.
    std::string send(const std::string& command) {
        fprintf(pipe_, "%s\n", command.c_str());
        fflush(pipe_);
        wait_lines(++answered_ + 1);
        return lines_of(output()).back();
    }
    // Tells it to stop: its exit status, or 128 + the signal that ended it.
    int quit() {
        fputs("quit\n", pipe_);
        int status = pclose(pipe_);
        pipe_ = nullptr;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::string output() const { return read_file(dir_ + "/out.txt"); }
    long pid = 0;

private:
    void wait_lines(size_t count) {
        for (int i = 0; i < 1000 && lines_of(output()).size() < count; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        REQUIRE(lines_of(output()).size() >= count);
    }
    std::string dir_;
    FILE* pipe_ = nullptr;
    int answered_ = 0;
};

}  // namespace harness
