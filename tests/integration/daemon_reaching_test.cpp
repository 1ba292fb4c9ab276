// SPDX-License-Identifier: GPL-3.0-or-later
// Reaching out through the real nocontactd: the pause before a messaging app opens, the app
// frozen while it lasts, whether systemd or GNOME Shell tells of the app's start.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "dbus/sdbus_compat.hpp"
#include "tests/integration/daemon_held.hpp"

namespace {

using nocontact::testing::DaemonTest;
using nocontact::testing::field;
using nocontact::testing::slurp;
using namespace std::chrono_literals;

using nocontact::testing::DaemonChanges;
using nocontact::testing::DaemonHeld;
using nocontact::testing::DaemonJournal;
using nocontact::testing::dayOfAlexsSpace;
using nocontact::testing::kPausePolicy;
using nocontact::testing::kStrictPolicy;
using nocontact::testing::lastPauseBody;

// Reaching out, against python3-dbusmock's `systemd` template standing in for the systemd user
// manager (its StartTransientUnit emits JobNew, as the real one does for a launched app), with
// FreezeUnit, ThawUnit, StopUnit, Subscribe and ListUnitsByPatterns added with the real
// manager's signatures (org.freedesktop.systemd1(5)). The apps' units are named as GNOME, KDE and
// Flatpak name them.
class DaemonReaching : public DaemonJournal {
  protected:
    void SetUp() override {
        DaemonJournal::SetUp();
        mock_ = fork();
        if (mock_ == 0) {
            setenv("DBUS_SESSION_BUS_ADDRESS", bus_.address().c_str(), 1);
            int null = open("/dev/null", O_WRONLY);
            dup2(null, STDOUT_FILENO);
            execl("/usr/bin/python3", "python3", "-m", "dbusmock", "--session", "--template",
                  "systemd", static_cast<char*>(nullptr));
            _exit(127);
        }
        manager_ = sdbus::createSessionBusConnectionWithAddress(bus_.address());
        proxy_ = nocontact::dbus::sd::proxy(*manager_, "org.freedesktop.systemd1",
                                            "/org/freedesktop/systemd1");
        ASSERT_TRUE(waitFor(
            [&] {
                try {
                    mock("AddMethod", kManager, "Subscribe", "", "", "");
                    return true;
                } catch (const sdbus::Error&) {
                    return false;  // not on the bus yet
                }
            },
            10s))
            << "python3-dbusmock did not start";
        for (const char* method : {"FreezeUnit", "ThawUnit"})
            mock("AddMethod", kManager, method, "s", "", "");
        mock("AddMethod", kManager, "ListUnitsByPatterns", "asas", "a(ssssssouso)", "ret = []");
        // The template's StopUnit wants units it made object paths for, which names with "\"
        // or "@" cannot be.
        mock("AddMethod", kManager, "StopUnit", "ss", "o",
             "ret = '/org/freedesktop/systemd1/job/1'");
    }
    void TearDown() override {
        proxy_.reset();
        manager_.reset();
        if (mock_ > 0) {
            kill(mock_, SIGTERM);
            waitpid(mock_, nullptr, 0);
        }
        DaemonJournal::TearDown();
    }

    // Calls `method` of python3-dbusmock's own interface (org.freedesktop.DBus.Mock).
    template <typename... Args>
    void mock(const char* method, const Args&... args) {
        proxy_->callMethod(method).onInterface(kMock).withArguments(args...);
    }
    // An app started in `unit` (the mock emits JobNew for it).
    void launch(const std::string& unit) {
        using Properties = std::vector<sdbus::Struct<std::string, sdbus::Variant>>;
        using Aux = std::vector<sdbus::Struct<std::string, Properties>>;
        proxy_->callMethod("StartTransientUnit")
            .onInterface(kManager)
            .withArguments(unit, "fail", Properties{}, Aux{});
    }
    // The units `method` was called with, in order.
    std::vector<std::string> calls(const char* method) {
        std::vector<sdbus::Struct<std::uint64_t, std::vector<sdbus::Variant>>> found;
        proxy_->callMethod("GetMethodCalls")
            .onInterface(kMock)
            .withArguments(method)
            .storeResultsTo(found);
        std::vector<std::string> units;
        for (const auto& call : found) {
            const auto& args = std::get<1>(call);
            if (!args.empty()) units.push_back(args[0].get<std::string>());
        }
        return units;
    }
    // The server id of the pause before `app`, or 0.
    std::uint32_t reachPause(const std::string& app) const {
        for (const auto& [id, shown] : server_->shown())
            if (shown.summary.find("You're opening " + app) != std::string::npos) return id;
        return 0;
    }
    // The buttons of the latest version of the pause before `app`.
    std::vector<std::string> labels(const std::string& app) const {
        std::vector<std::string> out;
        for (const auto& call : server_->calls()) {
            if (call.member != "Notify" ||
                call.summary.find("You're opening " + app) == std::string::npos)
                continue;
            out.clear();
            for (std::size_t i = 1; i < call.actions.size(); i += 2)
                out.push_back(call.actions[i]);
        }
        return out;
    }

    static constexpr const char* kManager = "org.freedesktop.systemd1.Manager";
    static constexpr const char* kMock = "org.freedesktop.DBus.Mock";
    static std::string policy(const std::string& strictness, bool freeze) {
        return "version: 1\ndefaults: { strictness: " + strictness +
               ", pause: 3s }\nreaching_out: { from: firm, freeze: " + (freeze ? "true" : "false") +
               ", grace: 10m }\ncontacts:\n  - name: Alex\n    since: 2024-12-10\n"
               "    reasons: [\"You asked for this space for good reasons.\"]\n"
               "    match: { names: [\"Alex Morgan\"] }\n";
    }
    pid_t mock_ = -1;
    std::unique_ptr<sdbus::IConnection> manager_;
    std::unique_ptr<sdbus::IProxy> proxy_;
};

TEST_F(DaemonReaching, FreezesTheAppDuringThePauseAndClosesItWhenLetGo) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(policy("firm", true)));
    const std::string unit = R"(app-gnome-signal\x2ddesktop-4242.scope)";
    launch(unit);
    ASSERT_TRUE(waitFor([&] { return reachPause("Signal") != 0; })) << "no pause before Signal";
    EXPECT_EQ(calls("FreezeUnit"), std::vector<std::string>{unit});
    std::uint32_t id = reachPause("Signal");
    const auto& shown = server_->shown().at(id);
    EXPECT_NE(shown.body.find("Day "), std::string::npos) << shown.body;
    EXPECT_NE(shown.body.find("good reasons"), std::string::npos) << shown.body;
    EXPECT_NE(shown.body.find("Signal waits until you choose"), std::string::npos) << shown.body;
    EXPECT_EQ(labels("Signal"), std::vector<std::string>{"Let it go"}) << "Open comes later";
    for (const auto& call : server_->calls()) {
        if (call.summary.find("You're opening Signal") == std::string::npos) continue;
        EXPECT_EQ(call.hints.count("urgency") ? call.hints.at("urgency") : "", "1")
            << "normal urgency: a breath, not an alarm";
        EXPECT_EQ(call.expire_timeout, 0) << "it stays while Signal waits";
    }

    server_->emitActionInvoked(id, "let-go");
    ASSERT_TRUE(waitFor([&] { return !calls("StopUnit").empty(); }));
    EXPECT_EQ(calls("ThawUnit"), std::vector<std::string>{unit}) << "thawed, so it can close";
    EXPECT_EQ(calls("StopUnit"), std::vector<std::string>{unit});
    Run journal = ctl({"journal"});
    EXPECT_NE(journal.out.find("you let Signal go after the pause"), std::string::npos)
        << journal.out;
    EXPECT_EQ(journal.out.find("you opened"), std::string::npos) << "let go: " << journal.out;
}

TEST_F(DaemonReaching, OpensTheAppAfterTheCountdownWhenThePersonChoosesTo) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(policy("firm", true)));
    const std::string unit = "app-org.telegram.desktop@2f1c6a0b9d.service";  // as KDE names it
    launch(unit);
    ASSERT_TRUE(waitFor([&] { return reachPause("Telegram") != 0; }));
    std::uint32_t id = reachPause("Telegram");
    // Firm: twice the policy's 3 s.
    ASSERT_TRUE(waitFor([&] { return labels("Telegram").size() == 2; }, 10s)) << "no Open";
    EXPECT_EQ(labels("Telegram"), (std::vector<std::string>{"Open", "Let it go"}));
    server_->emitActionInvoked(id, "open");
    ASSERT_TRUE(waitFor([&] { return !calls("ThawUnit").empty(); }));
    EXPECT_EQ(calls("ThawUnit"), std::vector<std::string>{unit});
    EXPECT_TRUE(calls("StopUnit").empty()) << "opened, not closed";
    auto stats = json({"stats", "Alex", "--json"});
    EXPECT_TRUE(stats["streaks"][0]["last_reached_out"].is_null())
        << "opening an app, even anyway, is not reaching out: " << stats.dump(1);
    EXPECT_EQ(stats["streaks"][0]["day"], dayOfAlexsSpace()) << "the day count goes on";
    EXPECT_EQ(stats["per_day"].back()["reached_out"], 0);
    EXPECT_EQ(stats["pauses"]["opened_anyway"], 1) << stats.dump(1);
    Run journal = ctl({"journal"});
    EXPECT_NE(journal.out.find("you opened Telegram after the pause"), std::string::npos)
        << journal.out;
    EXPECT_NE(journal.out.find("you went to open Telegram; a pause came first (firm)"),
              std::string::npos)
        << journal.out;
}

TEST_F(DaemonReaching, AFreezeRefusedForOneUnitIsTriedAgainForTheNext) {
    // "Not this unit, not now" (a job still running) says nothing about the machine.
    mock("AddMethod", kManager, "FreezeUnit", "s", "",
         "raise dbus.exceptions.DBusException('Unit has a pending job', "
         "name='org.freedesktop.systemd1.UnitBusy')");
    ASSERT_NO_FATAL_FAILURE(startDaemon(policy("firm", true)));
    launch("app-gnome-org.telegram.desktop-1.scope");
    ASSERT_TRUE(waitFor([&] { return reachPause("Telegram") != 0; }));
    EXPECT_EQ(field<std::string>(status(), "freezer"), "untried");
    launch("app-flatpak-org.signal.Signal-2.scope");
    ASSERT_TRUE(waitFor([&] { return reachPause("Signal") != 0; }));
    EXPECT_EQ(calls("FreezeUnit").size(), 2u) << "asked again for the next app";
}

TEST_F(DaemonReaching, PausesOnceWithinTheGraceAndLeavesOtherAppsAlone) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(policy("firm", false)));
    launch("app-flatpak-org.signal.Signal-31337.scope");
    ASSERT_TRUE(waitFor([&] { return reachPause("Signal") != 0; }));
    server_->emitActionInvoked(reachPause("Signal"), "let-go");
    ASSERT_TRUE(waitFor([&] { return !calls("StopUnit").empty(); }));
    launch("app-flatpak-org.signal.Signal-31338.scope");  // again, within the grace
    launch("app-gnome-firefox-5150.scope");               // not a messaging app
    launch("app-gnome-org.gnome.Calculator-5151.scope");  // no profile at all
    // A barrier: the journal has the second launch once it has been judged.
    nlohmann::json reached;
    ASSERT_TRUE(waitFor([&] {
        reached = json({"journal", "--json"});
        int n = 0;
        for (const auto& e : reached)
            n += e.value("kind", "") == "app_launch";
        return n == 2;
    })) << reached.dump(1);
    int pauses = 0;
    for (const auto& [id, shown] : server_->shown())
        pauses += shown.summary.find("You're opening") != std::string::npos;
    EXPECT_EQ(pauses, 0) << "the first was answered; no second within the grace";
    EXPECT_TRUE(calls("FreezeUnit").empty()) << "freeze: false";
    EXPECT_EQ(calls("StopUnit").size(), 1u);

    auto stats = json({"stats", "Alex", "--days", "1", "--json"});
    EXPECT_EQ(stats["per_day"][0]["reached_out"], 0) << "apps opened: " << stats.dump(1);
    EXPECT_EQ(stats["pauses"]["let_go"], 1);
    EXPECT_EQ(stats["pauses"]["honoured"], 1);
    EXPECT_TRUE(stats["streaks"][0]["last_reached_out"].is_null())
        << "opening an app and letting it go is not reaching out";
    EXPECT_EQ(stats["streaks"][0]["day"], dayOfAlexsSpace());
}

TEST_F(DaemonReaching, OpensFreelyBelowTheLevelAndWithoutAFreezerStillPauses) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(policy("pause", true)));
    launch("app-gnome-signal\\x2ddesktop-1.scope");
    // Below `from: firm`: counted in the journal, no pause.
    ASSERT_TRUE(waitFor([&] {
        for (const auto& e : json({"journal", "--json"}))
            if (e.value("kind", "") == "app_launch") return true;
        return false;
    }));
    EXPECT_EQ(reachPause("Signal"), 0u);

    // A manager without a freezer (systemd < 246, cgroup v1) refuses FreezeUnit: the pause
    // comes anyway, and Status says why apps are not frozen.
    mock("AddMethod", kManager, "FreezeUnit", "s", "",
         "raise dbus.exceptions.DBusException('Freezing is not supported here', "
         "name='org.freedesktop.DBus.Error.NotSupported')");
    ASSERT_EQ(ctl({"harden", "Alex", "--to", "firm"}).status, 0);
    launch("app-gnome-org.telegram.desktop-2.scope");
    ASSERT_TRUE(waitFor([&] { return reachPause("Telegram") != 0; }));
    std::string freezer = field<std::string>(status(), "freezer");
    EXPECT_NE(freezer.find("NotSupported"), std::string::npos) << freezer;
    EXPECT_NE(ctl({"status"}).out.find("Apps are not frozen"), std::string::npos);
    EXPECT_EQ(server_->shown().at(reachPause("Telegram")).body.find("waits until"),
              std::string::npos)
        << "not frozen, so not said to wait";
}

TEST_F(DaemonReaching, NoAppStaysFrozenWhenNocontactdCrashesOrStops) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(policy("firm", true)));
    const std::string first = "app-flatpak-org.signal.Signal-1.scope";
    launch(first);
    // The pause opens once the manager has answered FreezeUnit.
    ASSERT_TRUE(waitFor([&] { return reachPause("Signal") != 0; }));
    daemon_->kill9();  // the pause dies with it; the app must not wait forever
    daemon_->start();
    ASSERT_NO_FATAL_FAILURE(waitReady());
    ASSERT_TRUE(waitFor([&] { return !calls("ThawUnit").empty(); }))
        << "the app frozen before the crash is thawed after the restart";
    EXPECT_EQ(calls("ThawUnit"), std::vector<std::string>{first});

    const std::string second = "app-gnome-org.telegram.desktop-2.scope";
    launch(second);
    ASSERT_TRUE(waitFor([&] { return reachPause("Telegram") != 0; }));
    EXPECT_EQ(stopDaemon(), 0);
    EXPECT_EQ(calls("ThawUnit"), (std::vector<std::string>{first, second}))
        << "stopping nocontactd thaws what it froze";
}

// App starts GNOME Shell tells of (the extension's AppStarted), beside those systemd units do.
class DaemonShellLaunches : public DaemonReaching {
  protected:
    // Pauses opened before `app`, each counted once however often it was updated.
    int pausesBefore(const std::string& app) const {
        int n = 0;
        for (const auto& [id, shown] : server_->shown())
            n += shown.summary.find("You're opening " + app) != std::string::npos;
        return n;
    }
    int launchesJournaled() {
        int n = 0;
        for (const auto& e : json({"journal", "--json"}))
            n += e.value("kind", "") == "app_launch";
        return n;
    }
};

TEST_F(DaemonShellLaunches, PausesAnAppStartedWithoutAUnitAndClosesItWhenLetGo) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(policy("firm", true)));
    // Telegram started from a terminal: no unit of its own, only GNOME Shell sees it.
    pid_t app = fork();
    if (app == 0) {
        execlp("sleep", "sleep", "60", static_cast<char*>(nullptr));
        _exit(127);
    }
    client_->AppStarted("org.telegram.desktop.desktop", static_cast<std::uint32_t>(app));
    ASSERT_TRUE(waitFor([&] { return reachPause("Telegram") != 0; })) << "no pause";
    EXPECT_TRUE(calls("FreezeUnit").empty()) << "no unit to freeze";
    EXPECT_EQ(server_->shown().at(reachPause("Telegram")).body.find("waits until"),
              std::string::npos)
        << "not frozen, so not said to wait";
    server_->emitActionInvoked(reachPause("Telegram"), "let-go");
    int status = 0;
    ASSERT_TRUE(waitFor([&] { return waitpid(app, &status, WNOHANG) == app; }))
        << "the app was not asked to close";
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    EXPECT_TRUE(calls("StopUnit").empty());
    EXPECT_EQ(launchesJournaled(), 1);
}

TEST_F(DaemonShellLaunches, LeavesAppsThatAreNotForMessagingAlone) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(policy("firm", true)));
    client_->AppStarted("org.gnome.Calculator.desktop", 42);
    client_->AppStarted("firefox.desktop", 43);
    client_->AppStarted("signal-desktop.desktop", 0);  // a barrier: judged after the others
    ASSERT_TRUE(waitFor([&] { return reachPause("Signal") != 0; }));
    EXPECT_EQ(launchesJournaled(), 1);
}

TEST_F(DaemonShellLaunches, PausesOnceThroughTheUnitWhenGnomeShellToldFirst) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(policy("firm", true)));
    const std::string unit = R"(app-gnome-signal\x2ddesktop-4242.scope)";
    // GNOME Shell launching Signal: its report (state "starting", no process yet) comes
    // before the scope it starts Signal in.
    client_->AppStarted("signal-desktop.desktop", 0);
    launch(unit);
    ASSERT_TRUE(waitFor([&] { return reachPause("Signal") != 0; }));
    EXPECT_EQ(calls("FreezeUnit"), std::vector<std::string>{unit}) << "frozen through its unit";
    // A barrier: Telegram's report waits as long as Signal's did, and comes after it.
    client_->AppStarted("org.telegram.desktop.desktop", 0);
    ASSERT_TRUE(waitFor([&] { return reachPause("Telegram") != 0; }, 10s));
    EXPECT_EQ(pausesBefore("Signal"), 1) << "one launch, one pause";
    EXPECT_EQ(launchesJournaled(), 2) << "Signal once, Telegram once";
}

TEST_F(DaemonShellLaunches, PausesOnceWhenTheUnitToldFirst) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(policy("firm", false)));
    launch("app-flatpak-org.signal.Signal-31337.scope");
    ASSERT_TRUE(waitFor([&] { return reachPause("Signal") != 0; }));
    client_->AppStarted("org.signal.Signal.desktop", 31337);
    client_->AppStarted("org.telegram.desktop.desktop", 0);  // the barrier, as above
    ASSERT_TRUE(waitFor([&] { return reachPause("Telegram") != 0; }, 10s));
    EXPECT_EQ(pausesBefore("Signal"), 1);
    EXPECT_EQ(launchesJournaled(), 2) << "Signal once, Telegram once";
}

}  // namespace
