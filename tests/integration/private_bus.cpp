// SPDX-License-Identifier: GPL-3.0-or-later
#include "private_bus.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdexcept>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace nocontact::testing {

namespace {

// How long dbus-daemon may take to print its address: generous, it is usually a few ms.
constexpr int kStartTimeoutMs = 10000;

std::string writeConfig(const std::string& dir) {
    std::string path = dir + "/bus.conf";
    std::ofstream out(path);
    out << R"(<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=)"
        << dir << R"(</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <!-- Other users may connect (a test checks that nocontactd refuses them itself). -->
    <allow user="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
)";
    return path;
}

std::string readLine(int fd) {
    std::string line;
    char c;
    pollfd p{fd, POLLIN, 0};
    while (line.empty() || line.back() != '\n') {
        if (poll(&p, 1, kStartTimeoutMs) <= 0) throw std::runtime_error("dbus-daemon is silent");
        if (read(fd, &c, 1) != 1) throw std::runtime_error("dbus-daemon exited");
        line += c;
    }
    line.pop_back();
    return line;
}

}  // namespace

PrivateBus::PrivateBus() {
    char tmpl[] = "/tmp/nocontact-bus.XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    std::string config = writeConfig(dir_);
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ == 0) {
        if (fds[1] == 3) {
            fcntl(3, F_SETFD, 0);
        } else {
            dup2(fds[1], 3);
        }
        std::string arg = "--config-file=" + config;
        execlp("dbus-daemon", "dbus-daemon", arg.c_str(), "--nofork", "--nopidfile",
               "--print-address=3", static_cast<char*>(nullptr));
        _exit(127);
    }
    close(fds[1]);
    try {
        address_ = readLine(fds[0]);
    } catch (...) {
        close(fds[0]);
        throw;
    }
    close(fds[0]);
}

PrivateBus::~PrivateBus() {
    stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

void PrivateBus::stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

bool waitUntil(const std::function<bool()>& done, std::chrono::milliseconds deadline,
               const std::function<void()>& step) {
    auto end = std::chrono::steady_clock::now() + deadline;
    while (!done()) {
        if (std::chrono::steady_clock::now() >= end) return false;
        if (step) {
            step();
        } else {
            // Nothing to pump: yield briefly while another process works.
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
    }
    return true;
}

}  // namespace nocontact::testing
