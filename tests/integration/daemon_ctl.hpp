// SPDX-License-Identifier: GPL-3.0-or-later
// The real nocontactctl against the real nocontactd on the test's own bus: what a person types,
// its exit status and both of its outputs.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/daemon_process.hpp"

namespace nocontact::testing {

inline std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

class DaemonCtl : public DaemonTest {
  protected:
    struct Run {
        int status = -1;
        std::string out, err;
    };

    // Starts nocontactctl on the test's bus, its output in files.
    pid_t spawnCtl(const std::vector<std::string>& args) { return spawn(NOCONTACTCTL, args); }

    // Starts `program` on the test's bus, its output in files.
    pid_t spawn(const char* program, const std::vector<std::string>& args) {
        out_ = dir_ + "/out";
        err_ = dir_ + "/err";
        pid_t pid = fork();
        if (pid == 0) {
            setenv("DBUS_SESSION_BUS_ADDRESS", bus_.address().c_str(), 1);
            // Never the test's own terminal: a program that asks would wait for no one.
            int i = stdin_fd_ >= 0
                        ? stdin_fd_
                        : open(stdin_path_.empty() ? "/dev/null" : stdin_path_.c_str(), O_RDONLY);
            dup2(i, STDIN_FILENO);
            int o = open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            int e = open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            dup2(o, STDOUT_FILENO);
            dup2(e, STDERR_FILENO);
            std::vector<char*> argv{const_cast<char*>(program)};
            for (const auto& a : args)
                argv.push_back(const_cast<char*>(a.c_str()));
            argv.push_back(nullptr);
            execv(program, argv.data());
            _exit(127);
        }
        return pid;
    }

    // The next programs read `path` as their standard input ("" for /dev/null).
    void stdinFrom(std::string path) { stdin_path_ = std::move(path); }

    // The next programs' standard input is a terminal (a pseudo-terminal's far side), as when a
    // person runs them; answer() types into it. False when no pseudo-terminal can be had.
    bool stdinTerminal() {
        pty_ = posix_openpt(O_RDWR | O_NOCTTY);
        if (pty_ < 0 || grantpt(pty_) != 0 || unlockpt(pty_) != 0) return false;
        stdin_fd_ = open(ptsname(pty_), O_RDWR | O_NOCTTY);
        return stdin_fd_ >= 0;
    }
    // Types `line` and Enter on that terminal.
    bool answer(const std::string& line) {
        std::string typed = line + "\n";
        return write(pty_, typed.data(), typed.size()) == static_cast<ssize_t>(typed.size());
    }

    // Waits for it to end, driving this process's connections meanwhile.
    Run finish(pid_t pid) {
        Run run;
        int status = 0;
        bool done = waitFor([&] { return waitpid(pid, &status, WNOHANG) == pid; },
                            std::chrono::seconds{20});
        if (!done) kill(pid, SIGKILL);
        run.status = done && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        run.out = slurp(out_);
        run.err = slurp(err_);
        return run;
    }

    Run ctl(const std::vector<std::string>& args) { return finish(spawnCtl(args)); }

    // `held --json`; with `all`, the messages let go too.
    nlohmann::json held(bool all = true) {
        std::vector<std::string> args = {"held", "--json"};
        if (all) args.push_back("--all");
        Run run = ctl(args);
        EXPECT_EQ(run.status, 0) << run.err;
        auto list = nlohmann::json::parse(run.out, nullptr, false);
        return list.is_discarded() ? nlohmann::json::array() : list;
    }

    void SetUp() override {
        char tmpl[] = "/tmp/nocontactctl-test.XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override {
        if (stdin_fd_ >= 0) close(stdin_fd_);
        if (pty_ >= 0) close(pty_);
        DaemonTest::TearDown();
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }

    std::string dir_, out_, err_;
    std::string stdin_path_;
    int stdin_fd_ = -1, pty_ = -1;
};

}  // namespace nocontact::testing
