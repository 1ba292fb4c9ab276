// SPDX-License-Identifier: GPL-3.0-or-later
// tests/fakes/modemmanager.py as a child process on a private bus (its system bus), the names
// its control interface answers on, and a plain sd-bus connection to that bus.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace nocontact::dbus::fakes {

constexpr const char* kMM = "org.freedesktop.ModemManager1";
constexpr const char* kFakePath = "/org/nocontact/Fake";
constexpr const char* kFakeInterface = "org.nocontact.Fake";

inline sd_bus* connect(const std::string& address) {
    sd_bus* bus = nullptr;
    if (sd_bus_new(&bus) < 0) return nullptr;
    sd_bus_set_address(bus, address.c_str());
    sd_bus_set_bus_client(bus, 1);
    if (sd_bus_start(bus) < 0) bus = sd_bus_unref(bus);
    return bus;
}

// tests/fakes/modemmanager.py as a child process, with the private bus as its system bus.
class FakeModemManager {
  public:
    FakeModemManager(const std::string& address, std::vector<std::string> args = {}) {
        std::string script = std::string(NOCONTACT_FAKES) + "/modemmanager.py";
        args.insert(args.begin(), {"/usr/bin/python3", script});
        std::vector<char*> argv;
        for (std::string& arg : args)
            argv.push_back(arg.data());
        argv.push_back(nullptr);
        pid_ = fork();
        if (pid_ == 0) {
            setenv("DBUS_SYSTEM_BUS_ADDRESS", address.c_str(), 1);
            execv(argv[0], argv.data());
            _exit(127);
        }
    }
    ~FakeModemManager() { stop(); }
    FakeModemManager(const FakeModemManager&) = delete;
    FakeModemManager& operator=(const FakeModemManager&) = delete;

    // SIGTERM, as systemd stops it; the exit status (0: a clean exit).
    int stop() {
        if (pid_ <= 0) return status_;
        kill(pid_, SIGTERM);
        int status = 0;
        waitpid(pid_, &status, 0);
        pid_ = -1;
        status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return status_;
    }

  private:
    pid_t pid_ = -1;
    int status_ = 0;
};

}  // namespace nocontact::dbus::fakes
