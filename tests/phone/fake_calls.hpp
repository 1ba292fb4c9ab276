// SPDX-License-Identifier: GPL-3.0-or-later
// tests/fakes/gnome_calls.py on a test's bus (FakeCalls), and its org.nocontact.Fake control
// interface (Control): calls added, changed and ended on demand, and what was asked of it.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace nocontact::dbus::fakes {

// How long the fake may take to own its name: it is usually under 100 ms.
constexpr int kFakeStartMs = 10000;

// tests/fakes/gnome_calls.py on the test's bus, started by the constructor; stop() sends
// SIGTERM and tells whether it then exited cleanly.
class FakeCalls {
  public:
    explicit FakeCalls(const std::string& address) {
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
        pid_ = fork();
        if (pid_ == 0) {
            dup2(fds[1], STDOUT_FILENO);
            prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlives a test that crashed
            setenv("DBUS_SESSION_BUS_ADDRESS", address.c_str(), 1);
            execl("/usr/bin/python3", "python3", NOCONTACT_FAKES "/gnome_calls.py",
                  static_cast<char*>(nullptr));
            _exit(127);
        }
        close(fds[1]);
        ready_ = readLine(fds[0]) == "ready";
        close(fds[0]);
    }
    ~FakeCalls() { stop(); }

    bool ready() const { return ready_; }

    bool stop() {
        if (pid_ <= 0) return false;
        kill(pid_, SIGTERM);
        int status = 0;
        waitpid(pid_, &status, 0);
        pid_ = -1;
        return WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }

  private:
    static std::string readLine(int fd) {
        std::string line;
        char c = 0;
        pollfd p{fd, POLLIN, 0};
        while (poll(&p, 1, kFakeStartMs) > 0 && read(fd, &c, 1) == 1 && c != '\n')
            line += c;
        return line;
    }

    pid_t pid_ = -1;
    bool ready_ = false;
};

// The fake's org.nocontact.Fake, called and answered before going on (its own connection).
class Control {
  public:
    explicit Control(sd_bus* bus) : bus_(bus) {}

    std::string incoming(const char* number, const char* name) {
        return add("Incoming", number, name);
    }
    std::string outgoing(const char* number, const char* name) {
        return add("Outgoing", number, name);
    }
    std::string waiting(const char* number, const char* name) {
        return add("Waiting", number, name);
    }
    void setState(const std::string& path, std::uint32_t state) {
        run("SetState", "ou", path.c_str(), state);
    }
    void setDisplayName(const std::string& path, const char* name) {
        run("SetProperty", "osv", path.c_str(), "DisplayName", "s", name);
    }
    void end(const std::string& path) { run("End", "o", path.c_str()); }
    void emitMalformed(const std::string& path) { run("EmitMalformed", "o", path.c_str()); }

    std::vector<std::pair<std::string, std::string>> recorded() {
        std::vector<std::pair<std::string, std::string>> out;
        sd_bus_message* reply = call("Recorded", "");
        const char* path = nullptr;
        const char* member = nullptr;
        if (reply && sd_bus_message_enter_container(reply, 'a', "(ss)") > 0)
            while (sd_bus_message_read(reply, "(ss)", &path, &member) > 0)
                out.emplace_back(path, member);
        sd_bus_message_unref(reply);
        return out;
    }

  private:
    std::string add(const char* member, const char* number, const char* name) {
        sd_bus_message* reply = call(member, "ss", number, name);
        const char* path = nullptr;
        std::string out;
        if (reply && sd_bus_message_read(reply, "o", &path) >= 0) out = path;
        sd_bus_message_unref(reply);
        return out;
    }

    // A call whose answer carries nothing.
    template <typename... Args>
    void run(const char* member, const char* types, Args... args) {
        sd_bus_message_unref(call(member, types, args...));
    }

    template <typename... Args>
    sd_bus_message* call(const char* member, const char* types, Args... args) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message* reply = nullptr;
        int r = sd_bus_call_method(bus_, "org.gnome.Calls", "/org/nocontact/Fake",
                                   "org.nocontact.Fake", member, &error, &reply, types, args...);
        EXPECT_GE(r, 0) << member << ": " << (error.message ? error.message : "");
        sd_bus_error_free(&error);
        return reply;
    }

    sd_bus* bus_;
};

}  // namespace nocontact::dbus::fakes
