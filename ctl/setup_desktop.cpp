// SPDX-License-Identifier: GPL-3.0-or-later
#include "ctl/setup_desktop.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sdbus-c++/sdbus-c++.h>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <thread>

#include "ctl/xfconf.hpp"
#include "dbus/names.hpp"
#include "dbus/sdbus_compat.hpp"

namespace nocontact::ctl {
namespace {

constexpr const char* kBus = dbus::names::kBusService;
constexpr const char* kBusPath = dbus::names::kBusPath;
constexpr const char* kNotifications = dbus::names::kFdoService;
constexpr const char* kNotificationsPath = dbus::names::kFdoPath;
using dbus::names::kDunstInterface;
// A server that has not answered in this time is not going to: setup says so and goes on.
constexpr auto kCallTimeout = std::chrono::seconds(5);
// How long an ended server may take to leave the bus (dunst closes its window first): well
// under a second normally; seconds on a machine busy with other work, which must not make
// setup fail halfway.
constexpr auto kEndDeadline = std::chrono::seconds(20);
constexpr auto kEndPoll = std::chrono::milliseconds(20);

class SessionDesktop : public Desktop {
  public:
    explicit SessionDesktop(std::unique_ptr<sdbus::IConnection> c)
        : connection_(std::move(c)),
          bus_(dbus::sd::proxy(*connection_, kBus, kBusPath)),
          server_(dbus::sd::proxy(*connection_, kNotifications, kNotificationsPath)) {}

    std::optional<Server> notificationServer() override {
        if (!hasOwner(kNotifications)) return std::nullopt;
        try {
            Server s;
            std::string vendor, spec;
            server_->callMethod("GetServerInformation")
                .onInterface(kNotifications)
                .withTimeout(kCallTimeout)
                .storeResultsTo(s.name, vendor, s.version, spec);
            return s;
        } catch (const sdbus::Error&) {
            return std::nullopt;
        }
    }

    std::optional<std::uint32_t> dunstShowing() override {
        try {
            std::uint32_t shown = server_->getProperty("displayedLength")
                                      .onInterface(kDunstInterface)
                                      .get<std::uint32_t>();
            std::uint32_t waiting = server_->getProperty("waitingLength")
                                        .onInterface(kDunstInterface)
                                        .get<std::uint32_t>();
            return shown + waiting;
        } catch (const sdbus::Error&) {
            return std::nullopt;
        }
    }

    std::optional<bool> dunstKnowsRule(const std::string& name, bool enabled) override {
        try {
            server_->callMethod("RuleEnable")
                .onInterface(kDunstInterface)
                .withTimeout(kCallTimeout)
                .withArguments(name, std::int32_t{enabled ? 1 : 0});
            return true;
        } catch (const sdbus::Error& e) {
            if (e.getName() == "org.freedesktop.DBus.Error.InvalidArgs") return false;
            return std::nullopt;
        }
    }

    std::optional<std::uint32_t> swayncShowing() override {
        // swaync 0.7 src/swayncDaemon/swayncDaemon.vala: notification_count().
        if (!hasOwner(dbus::names::kSwayncService)) return std::nullopt;
        try {
            auto proxy = dbus::sd::proxy(*connection_, dbus::names::kSwayncService,
                                         dbus::names::kSwayncPath);
            std::uint32_t count = 0;
            proxy->callMethod("NotificationCount")
                .onInterface(dbus::names::kSwayncInterface)
                .withTimeout(kCallTimeout)
                .storeResultsTo(count);
            return count;
        } catch (const sdbus::Error&) {
            return std::nullopt;
        }
    }

    std::optional<config::XfceLog> xfceLog() override { return readXfceLog(*connection_); }
    void setXfceExcluded(const std::optional<std::vector<std::string>>& apps) override {
        writeXfceExcluded(*connection_, apps);
    }

    bool dunstReload() override {
        return call(kNotifications, kNotificationsPath, kDunstInterface, "ConfigReload", true);
    }
    bool makoReload() override {
        // mako serves its own interface under the notification server's name (makoctl too).
        return call(kNotifications, dbus::names::kMakoPath, dbus::names::kMakoInterface, "Reload");
    }
    bool reloadNocontactd() override {
        return call(dbus::names::kService, dbus::names::kPath, dbus::names::kInterface, "Reload");
    }
    bool swayncReload() override {
        return call(dbus::names::kSwayncService, dbus::names::kSwayncPath,
                    dbus::names::kSwayncInterface, "ReloadConfig");
    }

    std::optional<std::string> serverUnit() override {
        auto pid = serverPid();
        if (!pid) return std::nullopt;
        std::ifstream in("/proc/" + std::to_string(*pid) + "/cgroup");
        std::string line;
        while (std::getline(in, line)) {
            // The unified hierarchy ("0::/...") or systemd's own ("N:name=systemd:/...").
            if (!line.starts_with("0::") && line.find(":name=systemd:") == std::string::npos)
                continue;
            std::size_t slash = line.rfind('/');
            if (slash == std::string::npos) continue;
            std::string unit = line.substr(slash + 1);
            if (unit.ends_with(".service")) return unit;
        }
        return std::nullopt;
    }

    bool serverActivatable() override {
        try {
            std::vector<std::string> names;
            bus_->callMethod("ListActivatableNames").onInterface(kBus).storeResultsTo(names);
            return std::find(names.begin(), names.end(), kNotifications) != names.end();
        } catch (const sdbus::Error&) {
            return false;
        }
    }

    bool endServer() override {
        auto pid = serverPid();
        if (!pid || ::kill(static_cast<pid_t>(*pid), SIGTERM) != 0) return false;
        auto deadline = std::chrono::steady_clock::now() + kEndDeadline;
        // Ended once that process no longer owns the name: the next notification may already
        // have started a new one, which reads the rules.
        while (serverPid() == pid) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            std::this_thread::sleep_for(kEndPoll);  // polling a condition with a deadline
        }
        return true;
    }

    int run(const std::vector<std::string>& argv, std::string* out) override;

  private:
    bool hasOwner(const char* name) {
        bool has = false;
        try {
            bus_->callMethod("NameHasOwner")
                .onInterface(kBus)
                .withArguments(name)
                .storeResultsTo(has);
        } catch (const sdbus::Error&) {
            return false;
        }
        return has;
    }

    std::optional<std::uint32_t> serverPid() {
        try {
            std::uint32_t pid = 0;
            bus_->callMethod("GetConnectionUnixProcessID")
                .onInterface(kBus)
                .withArguments(std::string(kNotifications))
                .storeResultsTo(pid);
            return pid;
        } catch (const sdbus::Error&) {
            return std::nullopt;
        }
    }

    bool call(const char* service, const char* path, const char* interface, const char* method,
              bool with_empty_list = false) {
        if (!hasOwner(service)) return false;
        try {
            auto proxy = dbus::sd::proxy(*connection_, service, path);
            auto m = proxy->createMethodCall(dbus::sd::InterfaceName{interface},
                                             dbus::sd::MemberName{method});
            if (with_empty_list) m << std::vector<std::string>{};
            proxy->callMethod(
                m, std::chrono::duration_cast<std::chrono::microseconds>(kCallTimeout).count());
            return true;
        } catch (const sdbus::Error&) {
            return false;
        }
    }

    std::unique_ptr<sdbus::IConnection> connection_;
    std::unique_ptr<sdbus::IProxy> bus_;
    std::unique_ptr<sdbus::IProxy> server_;
};

int SessionDesktop::run(const std::vector<std::string>& argv, std::string* out) {
    int fds[2];
    if (argv.empty() || ::pipe2(fds, O_CLOEXEC) != 0) return -1;
    pid_t pid = ::fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        ::dup2(fds[1], STDOUT_FILENO);
        int null = ::open("/dev/null", O_RDWR);
        ::dup2(null, STDIN_FILENO);
        if (!out) ::dup2(null, STDOUT_FILENO);
        ::dup2(null, STDERR_FILENO);
        std::vector<char*> args;
        for (const std::string& a : argv)
            args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    ::close(fds[1]);
    char buf[4096];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) != 0;) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        if (out) out->append(buf, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status)) return -1;
    return WEXITSTATUS(status) == 127 ? -1 : WEXITSTATUS(status);
}

}  // namespace

std::unique_ptr<Desktop> sessionDesktop(std::string& why) {
    try {
        return std::make_unique<SessionDesktop>(sdbus::createSessionBusConnection());
    } catch (const sdbus::Error& e) {
        why = e.getMessage();
        return nullptr;
    }
}

}  // namespace nocontact::ctl
