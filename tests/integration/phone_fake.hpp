// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sdbus-c++/sdbus-c++.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "dbus/sdbus_compat.hpp"
#include "tests/integration/private_bus.hpp"

namespace nocontact::testing {

// One of the phone fakes in tests/fakes/ (KDE Connect, GNOME Calls, ModemManager: python
// scripts faithful to the real D-Bus API) on a test's bus, and its control interface,
// org.nocontact.Fake at /org/nocontact/Fake. `bus_env` is DBUS_SESSION_BUS_ADDRESS or
// DBUS_SYSTEM_BUS_ADDRESS, whichever the real service uses.
class PhoneFake {
  public:
    PhoneFake(std::string script, std::string bus_env, std::string address)
        : script_(std::move(script)), bus_env_(std::move(bus_env)), address_(std::move(address)) {
        start();
    }
    ~PhoneFake() { stop(); }
    PhoneFake(const PhoneFake&) = delete;
    PhoneFake& operator=(const PhoneFake&) = delete;

    // Starts the script and waits (up to 10 s) until its control interface answers.
    void start() {
        pid_ = fork();
        if (pid_ == 0) {
            setenv(bus_env_.c_str(), address_.c_str(), 1);
            int null = open("/dev/null", O_WRONLY);
            dup2(null, STDOUT_FILENO);
            execl("/usr/bin/python3", "python3", script_.c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
        connection_ = sdbus::createSessionBusConnectionWithAddress(address_);
        proxy_ = nocontact::dbus::sd::proxy(*connection_, serviceName(), "/org/nocontact/Fake");
        bool up = waitUntil(
            [&] {
                try {
                    recorded();
                    return true;
                } catch (const sdbus::Error&) {
                    return false;
                }
            },
            std::chrono::seconds(10),
            [] { std::this_thread::sleep_for(std::chrono::milliseconds(20)); });
        if (!up) throw std::runtime_error(script_ + " did not start");
    }

    // Ends it as a service ends (SIGTERM), waiting for it.
    void stop() {
        proxy_.reset();
        connection_.reset();
        if (pid_ <= 0) return;
        kill(pid_, SIGTERM);
        waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }

    // Calls a control method; `R` is its single result (void for none).
    template <typename R = void, typename... Args>
    R call(const std::string& method, const Args&... args) {
        auto m = proxy_->createMethodCall(nocontact::dbus::sd::InterfaceName{"org.nocontact.Fake"},
                                          nocontact::dbus::sd::MemberName{method});
        ((m << args), ...);
        auto reply = proxy_->callMethod(m);
        if constexpr (!std::is_void_v<R>) {
            R r{};
            reply >> r;
            return r;
        }
    }

    // What nocontactd asked of the service: (object path, method) in order.
    std::vector<sdbus::Struct<std::string, std::string>> recorded() {
        return call<std::vector<sdbus::Struct<std::string, std::string>>>("Recorded");
    }
    int asked(const std::string& path, const std::string& method) {
        int n = 0;
        for (const auto& r : recorded())
            n += std::get<0>(r) == path && std::get<1>(r) == method;
        return n;
    }

  private:
    std::string serviceName() const {
        if (script_.find("modemmanager") != std::string::npos)
            return "org.freedesktop.ModemManager1";
        if (script_.find("gnome_calls") != std::string::npos) return "org.gnome.Calls";
        return "org.kde.kdeconnect";
    }

    std::string script_, bus_env_, address_;
    pid_t pid_ = -1;
    std::unique_ptr<sdbus::IConnection> connection_;
    std::unique_ptr<sdbus::IProxy> proxy_;
};

}  // namespace nocontact::testing
