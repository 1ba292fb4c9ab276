// SPDX-License-Identifier: GPL-3.0-or-later
// DaemonTest, the fixture the daemon's integration tests build on: the daemon started on the
// test's private bus, a client of its org.nocontact.Daemon1, and the waits and calls the tests
// make through it; and the test policies. The daemon process itself is in daemon_process.cpp.
#include "tests/integration/daemon_process.hpp"

#include "config/withdrawal.hpp"
#include "daemon/strings.hpp"

#include <locale.h>
#include <signal.h>
#include <sys/wait.h>

#include <cstdlib>
#include <iostream>
#include <optional>

#include "daemon/sdbus_source.hpp"
#include "dbus/names.hpp"
#include "dbus/sdbus_compat.hpp"

namespace nocontact::testing {

namespace {

// How long the daemon may take to answer its first Status: it starts in well under a second,
// but a loaded CI machine running tests in parallel can be slow.
constexpr auto kStartDeadline = 15s;

// A call to the daemon answers in milliseconds; this only bounds a broken daemon.
constexpr auto kCallDeadline = 10s;

}  // namespace

const char* const kAlexPolicy = R"(version: 1
defaults: { strictness: pause, region: US }
contacts:
  - name: Alex
    since: 2024-12-10
    reasons: ["You asked for this space for good reasons."]
    match: { names: ["Alex Morgan", "Alex"] }
)";

std::string alexPolicy(const std::string& strictness, const std::string& more_defaults) {
    return "version: 1\ndefaults: { strictness: " + strictness + ", pause: 3s, region: US" +
           (more_defaults.empty() ? "" : ", " + more_defaults) +
           " }\ncontacts:\n  - name: Alex\n    since: 2024-12-10\n"
           "    reasons: [\"You asked for this space for good reasons.\"]\n"
           "    match: { names: [\"Alex Morgan\"] }\n";
}

DaemonClient::DaemonClient(sdbus::IConnection& connection)
    : ProxyInterfaces(connection, dbus::sd::service(dbus::names::kService),
                      dbus::sd::path(dbus::names::kPath)) {
    registerProxy();
}

DaemonClient::~DaemonClient() {
    unregisterProxy();
}

void DaemonClient::onIntervened(const std::string& contact, const std::string&, const std::string&,
                                const std::string&, const std::string&) {
    intervened.push_back(contact);
}

void DaemonClient::onPolicyReloaded(const bool& applied, const std::string& message) {
    reloads.emplace_back(applied, message);
}

int DaemonTest::stopDaemon() {
    if (daemon_->exitStatus()) return *daemon_->exitStatus();
    daemon_->signal(SIGTERM);
    waitFor([&] { return daemon_->exitStatus().has_value(); }, 5s);
    return daemon_->stop();  // the status, or -1 after killing it
}

void DaemonTest::TearDown() {
    if (daemon_ && !daemon_->exitStatus()) {
        EXPECT_EQ(stopDaemon(), 0) << "nocontactd did not exit cleanly on SIGTERM";
    }
    if (daemon_) {
        std::string log = daemon_->log();
        for (const auto& secret : secrets_)
            EXPECT_EQ(log.find(secret), std::string::npos)
                << "message text reached the daemon's output: " << secret;
    }
    printLogOnFailure();
}

void DaemonTest::printLogOnFailure() {
    if (!HasFailure() || !daemon_) return;
    std::cerr << "----- nocontactd's output -----\n"
              << daemon_->log() << "----- end of nocontactd's output -----\n";
}

void DaemonTest::startDaemon(const std::string& policy, bool dry_run) {
    daemon_ = std::make_unique<DaemonProcess>(bus_.address(), dry_run);
    if (!policy.empty()) daemon_->writePolicy(policy);
    if (!system_bus_.empty()) daemon_->useSystemBus(system_bus_);
    if (before_start_) before_start_(*daemon_);
    daemon_->start();
    if (!client_) {
        connection_ = sdbus::createSessionBusConnectionWithAddress(bus_.address());
        connection_source_ = daemon::sdbusSource(*connection_, [] {});
        connection_source_->attach();
        client_ = std::make_unique<DaemonClient>(*connection_);
    }
    waitReady();
}

void DaemonTest::waitReady() {
    // Asked without blocking, again until it answers: before the daemon takes its name the bus
    // answers ServiceUnknown at once; after, the call waits in the daemon's connection until it
    // has started, while this thread's fake server must go on answering the daemon.
    bool answered = false, asking = false;
    sdbus::PendingAsyncCall pending;
    waitFor(
        [&] {
            if (daemon_->exitStatus()) return true;
            if (!asking) {
                asking = true;
                pending =
                    client_->proxy()
                        .callMethodAsync("Status")
                        .onInterface(org::nocontact::Daemon1_proxy::INTERFACE_NAME)
                        .uponReplyInvoke([&](nocontact::dbus::sd::ReplyError error, const Status&) {
                            asking = false;
                            answered = !error;
                        });
            }
            return answered;
        },
        kStartDeadline);
    if (asking) pending.cancel();
    ASSERT_TRUE(answered) << "nocontactd never answered Status; exit status "
                          << daemon_->exitStatus().value_or(-1);
    client_->Subscribe();  // Intervened and PolicyReloaded come to subscribers only
}

void DaemonTest::dropClient() {
    client_.reset();
    connection_source_.reset();
    connection_.reset();
}

bool DaemonTest::waitFor(const std::function<bool()>& done, std::chrono::milliseconds deadline) {
    return waitUntil(done, deadline, iterate);
}

// Calls are asynchronous, with this process's connections pumped meanwhile: the daemon may
// itself be in a call to the fake server, which only this thread can answer.
Status DaemonTest::status() {
    std::optional<Status> result;
    auto pending = client_->proxy()
                       .callMethodAsync("Status")
                       .onInterface(org::nocontact::Daemon1_proxy::INTERFACE_NAME)
                       .uponReplyInvoke([&](nocontact::dbus::sd::ReplyError error,
                                            const Status& s) { result = error ? Status{} : s; });
    EXPECT_TRUE(waitFor([&] { return result.has_value(); }, kCallDeadline)) << "Status hung";
    return result.value_or(Status{});
}

std::pair<bool, std::string> DaemonTest::reload() {
    std::optional<std::pair<bool, std::string>> result;
    auto pending = client_->proxy()
                       .callMethodAsync("Reload")
                       .onInterface(org::nocontact::Daemon1_proxy::INTERFACE_NAME)
                       .uponReplyInvoke([&](nocontact::dbus::sd::ReplyError error, bool applied,
                                            const std::string& message) {
                           result = error ? std::pair<bool, std::string>{false, error->getName()}
                                          : std::pair<bool, std::string>{applied, message};
                       });
    EXPECT_TRUE(waitFor([&] { return result.has_value(); }, kCallDeadline)) << "Reload hung";
    return result.value_or(std::pair<bool, std::string>{false, "no answer"});
}

std::uint32_t* DaemonTest::notify(Client& app, const std::string& app_name,
                                  std::uint32_t replaces_id, const std::string& summary,
                                  const std::string& body,
                                  const std::map<std::string, std::string>& hints) {
    rememberSecret(body);
    std::uint32_t* slot = &ids_.emplace_back(0);
    app.notify(app_name, replaces_id, summary, body, hints, slot);
    return slot;
}

std::uint32_t* DaemonTest::signalFrom(const std::string& sender, const std::string& body,
                                      std::uint32_t replaces_id) {
    return notify(*app_, "Signal", replaces_id, sender, body, {{"desktop-entry", "signal"}});
}

std::uint32_t DaemonTest::idOf(const std::uint32_t* slot) {
    waitFor([&] { return *slot != 0; });
    return *slot == UINT32_MAX ? 0 : *slot;
}

int DaemonTest::closesOf(std::uint32_t id) const {
    int n = 0;
    for (const auto& call : server_->calls())
        n += call.member == "CloseNotification" && call.id == id;
    return n;
}

int DaemonTest::placeholdersFor(std::uint32_t id) const {
    int n = 0;
    for (const auto& call : server_->calls())
        n += call.member == "Notify" && call.summary == daemon::strings::kWithheldPlaceholder &&
             call.id == id;
    return n;
}

bool DaemonTest::waitWithheld(std::uint32_t id, std::chrono::milliseconds deadline) {
    const bool replaces =
        config::withdrawalFor(server_->name()) == config::Withdrawal::ReplaceThenClose;
    return id != 0 && waitFor([&] { return closesOf(id) > 0; }, deadline) &&
           (placeholdersFor(id) > 0) == replaces;
}

const char* translatableLocale() {
    static const char* const chosen = [] {
        locale_t l = newlocale(LC_ALL_MASK, "en_US.UTF-8", static_cast<locale_t>(0));
        if (l == static_cast<locale_t>(0)) return "C.UTF-8";
        freelocale(l);
        return "en_US.UTF-8";
    }();
    return chosen;
}

}  // namespace nocontact::testing
