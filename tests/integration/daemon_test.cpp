// SPDX-License-Identifier: GPL-3.0-or-later
// The real nocontactd on a private bus with the fake notification server: what it withholds,
// what it leaves alone, and how it copes with odd apps and servers.
#include <systemd/sd-bus.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "daemon/strings.hpp"
#include "dbus/names.hpp"
#include "tests/integration/daemon_process.hpp"

namespace names = nocontact::dbus::names;
using nocontact::testing::DaemonTest;
using nocontact::testing::field;
using nocontact::testing::kAlexPolicy;

using namespace std::chrono_literals;

namespace {

// A tiny org.gtk.Notifications owner (what GNOME Shell serves) recording what it is asked.
class FakeGtkServer {
  public:
    struct Call {
        std::string member, app_id, id;
    };

    explicit FakeGtkServer(const std::string& address) {
        static const sd_bus_vtable kVtable[] = {
            SD_BUS_VTABLE_START(0),
            SD_BUS_METHOD("AddNotification", "ssa{sv}", "", &FakeGtkServer::onCall, 0),
            SD_BUS_METHOD("RemoveNotification", "ss", "", &FakeGtkServer::onCall, 0),
            SD_BUS_VTABLE_END};
        int r = sd_bus_new(&bus_);
        if (r >= 0) r = sd_bus_set_address(bus_, address.c_str());
        if (r >= 0) r = sd_bus_set_bus_client(bus_, 1);
        if (r >= 0) r = sd_bus_start(bus_);
        if (r >= 0)
            r = sd_bus_add_object_vtable(bus_, nullptr, names::kGtkPath, names::kGtkInterface,
                                         kVtable, this);
        if (r >= 0) r = sd_bus_request_name(bus_, names::kGtkService, 0);
        if (r < 0) throw std::runtime_error("cannot serve org.gtk.Notifications");
        source_ = nocontact::daemon::BusSource::forSdBus(bus_, [] {});
        source_->attach();
    }
    ~FakeGtkServer() {
        source_.reset();
        sd_bus_flush_close_unref(bus_);
    }

    bool removed(const std::string& app_id, const std::string& id) const {
        return std::any_of(calls_.begin(), calls_.end(), [&](const Call& c) {
            return c.member == "RemoveNotification" && c.app_id == app_id && c.id == id;
        });
    }
    bool added(const std::string& id) const {
        return std::any_of(calls_.begin(), calls_.end(), [&](const Call& c) {
            return c.member == "AddNotification" && c.id == id;
        });
    }

  private:
    static int onCall(sd_bus_message* m, void* userdata, sd_bus_error*) {
        const char *app_id = nullptr, *id = nullptr;
        int r = sd_bus_message_read(m, "ss", &app_id, &id);
        if (r < 0) return r;
        static_cast<FakeGtkServer*>(userdata)->calls_.push_back(
            {sd_bus_message_get_member(m), app_id, id});
        return sd_bus_reply_method_return(m, "");
    }

    sd_bus* bus_ = nullptr;
    std::unique_ptr<nocontact::daemon::BusSource> source_;
    std::vector<Call> calls_;
};

// GApplication's g_application_send_notification, as a GTK app sends it.
void sendGtk(sd_bus* bus, const char* app_id, const char* id, const char* title, const char* body) {
    sd_bus_message* m = nullptr;
    int r = sd_bus_message_new_method_call(bus, &m, names::kGtkService, names::kGtkPath,
                                           names::kGtkInterface, "AddNotification");
    if (r >= 0)
        r = sd_bus_message_append(m, "ssa{sv}", app_id, id, 2, "title", "s", title, "body", "s",
                                  body);
    if (r >= 0) r = sd_bus_call_async(bus, nullptr, m, nullptr, nullptr, 0);
    sd_bus_message_unref(m);
    ASSERT_GE(r, 0);
}

// Notify with hints no app should send: numbers where strings belong, image data, a variant
// inside a variant, an array. The signature itself is right.
void sendOddHints(sd_bus* bus, const char* summary, const char* body) {
    sd_bus_message* m = nullptr;
    int r = sd_bus_message_new_method_call(bus, &m, names::kFdoService, names::kFdoPath,
                                           names::kFdoInterface, "Notify");
    if (r >= 0) r = sd_bus_message_append(m, "susssas", "Signal", 0u, "", summary, body, 0);
    if (r >= 0)
        r = sd_bus_message_append(m, "a{sv}", 5, "desktop-entry", "i", 42, "urgency", "s", "high",
                                  "x-nested", "v", "s", "deep", "x-list", "as", 2, "a", "b",
                                  "image-data", "(iiibiiay)", 1, 1, 4, 1, 8, 4, 4, 0, 0, 0, 255);
    if (r >= 0) r = sd_bus_message_append(m, "i", -1);
    if (r >= 0) r = sd_bus_call_async(bus, nullptr, m, nullptr, nullptr, 0);
    sd_bus_message_unref(m);
    ASSERT_GE(r, 0) << strerror(-r);
}

// Notify calls with the wrong signature; each names the contact, so a lax decoder would act.
int sendWrongSignatures(sd_bus* bus) {
    auto send = [&](const char* types, auto... args) {
        return sd_bus_call_method_async(bus, nullptr, names::kFdoService, names::kFdoPath,
                                        names::kFdoInterface, "Notify", nullptr, nullptr, types,
                                        args...);
    };
    int sent = 0;
    sent += send("s", "Signal") >= 0;
    sent += send("susss", "Signal", 0u, "", "Alex Morgan", "truncated after the body") >= 0;
    sent += send("susssasa{ss}i", "Signal", 0u, "", "Alex Morgan", "hints of plain strings", 0, 1,
                 "desktop-entry", "signal", -1) >= 0;
    sent += send("uusssasa{sv}i", 7u, 0u, "", "Alex Morgan", "app name as a number", 0, 0, -1) >= 0;
    return sent;
}

}  // namespace

TEST_F(DaemonTest, WithholdsAContactsNotificationAndLeavesEveryoneElsesAlone) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    auto* first = signalFrom("Alex Morgan", "I still think about the drive home in October");
    auto* stranger = signalFrom("Sam Rivera", "are we still on for Saturday at the lake?");
    auto* mention = notify(*app_, "Telegram Desktop", 0, "Family group",
                           "<b>Sam</b>\ndid Alex text you after the party?",
                           {{"desktop-entry", "org.telegram.desktop"}});
    auto* later = signalFrom("Alex Morgan", "please answer, it is about the dog");

    std::uint32_t first_id = idOf(first);
    ASSERT_TRUE(waitWithheld(first_id)) << "the contact's notification was not withheld";
    // The barrier: the later one crossed the daemon after the stranger's and the mention.
    ASSERT_TRUE(waitWithheld(idOf(later)));
    for (auto* untouched : {stranger, mention}) {
        std::uint32_t id = idOf(untouched);
        ASSERT_NE(id, 0u);
        EXPECT_EQ(closesOf(id), 0) << "notification " << id << " was closed";
        EXPECT_EQ(placeholdersFor(id), 0) << "notification " << id << " was replaced";
    }
    // The pause comes from the daemon's next turn, after the withholding calls.
    auto pauseShown = [&] {
        for (const auto& call : server_->calls())
            if (call.app_name == "nocontact" &&
                call.summary.find("take a breath") != std::string::npos)
                return true;
        return false;
    };
    EXPECT_TRUE(waitFor(pauseShown));
    int pauses = 0;
    for (const auto& call : server_->calls()) {
        if (call.app_name != "nocontact") continue;
        if (call.summary.find("take a breath") != std::string::npos) {
            ++pauses;  // the reflective pause: the person's own words, never the message's
            EXPECT_EQ(call.body.find("the drive home"), std::string::npos);
            continue;
        }
        EXPECT_EQ(call.summary, nocontact::daemon::strings::kWithheldPlaceholder);
        EXPECT_EQ(call.body, "") << "the placeholder carries no text";
    }
    EXPECT_GE(pauses, 1) << "a contact's message at `pause` opens a reflective pause";
    ASSERT_TRUE(waitFor([&] { return client_->intervened.size() == 2; }));
    EXPECT_EQ(client_->intervened[0], "Alex");
    EXPECT_TRUE(waitFor([&] { return field<std::uint32_t>(status(), "withheld") == 2; }));
}

// Intervened names the contact: it goes only to the person's connections that subscribed, never
// to everyone on the bus.
TEST_F(DaemonTest, SendsIntervenedOnlyToSubscribers) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    nocontact::testing::Client listener(bus_.address());
    int heard = 0;
    sd_bus_slot* slot = nullptr;
    ASSERT_GE(sd_bus_add_match(
                  listener.bus(), &slot,
                  "type='signal',interface='org.nocontact.Daemon1',member='Intervened'",
                  [](sd_bus_message*, void* count, sd_bus_error*) {
                      ++*static_cast<int*>(count);
                      return 0;
                  },
                  &heard),
              0);
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "for subscribers only"))));
    ASSERT_TRUE(waitFor([&] { return client_->intervened.size() == 1; }));
    // The subscribed client heard it; the listener, driven by the same loop, would have too.
    EXPECT_TRUE(waitFor([&] { return status().size() > 0; }));
    EXPECT_EQ(heard, 0) << "Intervened was broadcast";
    sd_bus_slot_unref(slot);
}

TEST_F(DaemonTest, JudgesANotificationAgainWhenTheAppUpdatesItInPlace) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    std::uint32_t id = idOf(signalFrom("Sam Rivera", "first draft of the message from Sam"));
    ASSERT_NE(id, 0u);
    // The same conversation entry, now showing the contact (Signal updates in place).
    std::uint32_t updated = idOf(signalFrom("Alex Morgan", "the updated text from Alex", id));
    ASSERT_EQ(updated, id) << "the fake server replaces in place";
    EXPECT_TRUE(waitWithheld(id)) << "the updated notification was not judged again";
}

TEST_F(DaemonTest, DoesNotCloseAContactsNotificationAgainOnceUpdatedIntoAStrangers) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    std::uint32_t id = idOf(signalFrom("Alex Morgan", "a message that will be edited"));
    ASSERT_TRUE(waitWithheld(id));
    std::uint32_t now = idOf(signalFrom("Sam Rivera", "the entry now belongs to Sam", id));
    ASSERT_NE(now, 0u);
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "the barrier message from Alex"))));
    EXPECT_EQ(closesOf(id), 1) << "closed again after it became a stranger's";
    EXPECT_EQ(placeholdersFor(id), 1);
    if (now != id) {
        EXPECT_EQ(closesOf(now), 0);
        EXPECT_EQ(placeholdersFor(now), 0);
    }
}

TEST_F(DaemonTest, RemovesAContactsGtkNotification) {
    FakeGtkServer gtk(bus_.address());
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    rememberSecret("gtk text from a stranger, never logged");
    rememberSecret("gtk text from the contact, never logged");
    sendGtk(app_->bus(), "org.signal.Signal", "sam-1", "Sam Rivera",
            "gtk text from a stranger, never logged");
    sendGtk(app_->bus(), "org.signal.Signal", "alex-1", "Alex Morgan",
            "gtk text from the contact, never logged");
    ASSERT_TRUE(waitFor([&] { return gtk.removed("org.signal.Signal", "alex-1"); }))
        << "RemoveNotification(app_id, id) never came";
    EXPECT_TRUE(gtk.added("sam-1"));
    EXPECT_FALSE(gtk.removed("org.signal.Signal", "sam-1"));
}

TEST_F(DaemonTest, SurvivesMalformedNotifyCallsAndStillWithholdsTheNextOne) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    rememberSecret("odd hints from a stranger, never logged");
    ASSERT_NO_FATAL_FAILURE(
        sendOddHints(app_->bus(), "Sam Rivera", "odd hints from a stranger, never logged"));
    int wrong = sendWrongSignatures(app_->bus());
    ASSERT_EQ(wrong, 4);
    std::uint32_t id = idOf(signalFrom("Alex Morgan", "the good one after the broken ones"));
    ASSERT_TRUE(waitWithheld(id)) << "the daemon stopped withholding after malformed calls";
    auto s = status();
    EXPECT_EQ(field<std::uint32_t>(s, "malformed"), 4u);
    EXPECT_EQ(field<std::uint32_t>(s, "withheld"), 1u);
    for (const auto& call : server_->calls())
        if (call.member == "CloseNotification") {
            EXPECT_EQ(call.id, id);
        }
}

TEST_F(DaemonTest, InDryRunDecidesAndLogsButClosesNothing) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy, /*dry_run=*/true));
    EXPECT_TRUE(field<bool>(status(), "dry_run"));
    std::uint32_t id = idOf(signalFrom("Alex Morgan", "dry run text that stays on screen"));
    ASSERT_NE(id, 0u);
    ASSERT_TRUE(waitFor([&] { return client_->intervened.size() == 1; }));
    ASSERT_TRUE(waitFor([&] { return daemon_->log().find("dry run") != std::string::npos; }));
    // The barrier: a restarted server makes the daemon ask GetServerInformation on the same
    // connection that would have carried the placeholder, so anything sent before it is here.
    auto asked = [&] {
        return std::count_if(server_->calls().begin(), server_->calls().end(),
                             [](const auto& c) { return c.member == "GetServerInformation"; });
    };
    auto before = asked();
    server_->restart();
    ASSERT_TRUE(waitFor([&] { return asked() > before; }));
    EXPECT_EQ(placeholdersFor(id), 0);
    EXPECT_EQ(closesOf(id), 0);
    EXPECT_EQ(std::count_if(server_->calls().begin(), server_->calls().end(),
                            [](const auto& c) { return c.app_name == "nocontact"; }),
              0)
        << "the daemon posted something in dry-run";
}

TEST_F(DaemonTest, ReportsAServerThatRefusesToCloseAsNeedingTheGnomeShellExtension) {
    server_->refuseForeignClose(true);
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    EXPECT_TRUE(waitFor([&] { return field<std::string>(status(), "withholding") == "close"; }));
    std::uint32_t id = idOf(signalFrom("Alex Morgan", "text on a server that says no"));
    ASSERT_TRUE(waitFor([&] { return closesOf(id) == 1; }));
    EXPECT_TRUE(waitFor([&] {
        return field<std::string>(status(), "withholding") == "needs-gnome-shell-extension";
    }));
    EXPECT_EQ(field<std::uint32_t>(status(), "withheld"), 0u);
}

TEST_F(DaemonTest, FollowsTheNotificationServerWhenItRestarts) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    ASSERT_TRUE(waitFor([&] { return field<std::string>(status(), "server_name") == "dunst"; }));
    server_->setCapabilities({"body", "x-after-restart"});
    server_->restart();
    auto caps = [&] { return field<std::vector<std::string>>(status(), "server_capabilities"); };
    ASSERT_TRUE(waitFor([&] {
        auto c = caps();
        return std::find(c.begin(), c.end(), "x-after-restart") != c.end();
    })) << "Status still describes the old server";
    EXPECT_EQ(field<std::string>(status(), "withholding"), "close");
    EXPECT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "text for the restarted server"))));
}

TEST_F(DaemonTest, FollowsADifferentServerTakingOver) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    ASSERT_TRUE(waitFor([&] { return field<std::string>(status(), "server_name") == "dunst"; }));
    server_.reset();
    ASSERT_TRUE(waitFor([&] { return field<std::string>(status(), "withholding") == "none"; }));
    server_ = std::make_unique<nocontact::testing::FakeFdoServer>(bus_.address(), "other-fdo");
    ASSERT_TRUE(
        waitFor([&] { return field<std::string>(status(), "server_name") == "other-fdo"; }));
    EXPECT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "text for the other server"))));
}

TEST_F(DaemonTest, WaitsForANotificationServerThatStartsAfterIt) {
    server_.reset();
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    EXPECT_EQ(field<std::string>(status(), "withholding"), "none");
    server_ = std::make_unique<nocontact::testing::FakeFdoServer>(bus_.address(), "late-fdo");
    ASSERT_TRUE(waitFor([&] { return field<std::string>(status(), "server_name") == "late-fdo"; }));
    EXPECT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "text for the late server"))));
}

TEST_F(DaemonTest, WithholdsANotificationSentToTheServersUniqueName) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    ASSERT_TRUE(waitFor([&] { return field<std::string>(status(), "server_name") == "dunst"; }));
    std::string unique = server_->uniqueName();
    rememberSecret("sent to the unique name, never logged");
    std::uint32_t id = 0;
    app_->notify("Signal", 0, "Alex Morgan", "sent to the unique name, never logged",
                 {{"desktop-entry", "signal"}}, &id, unique.c_str());
    ASSERT_TRUE(waitFor([&] { return id != 0; }));
    EXPECT_TRUE(waitWithheld(id));
}

TEST_F(DaemonTest, AnswersStatusFromTheSameUser) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    auto s = status();
    EXPECT_TRUE(field<bool>(s, "policy_loaded"));
    EXPECT_EQ(field<std::uint32_t>(s, "contacts"), 1u);
    EXPECT_EQ(field<std::string>(s, "policy_file"), daemon_->policyPath());
    EXPECT_FALSE(field<std::string>(s, "version").empty());
}

TEST_F(DaemonTest, ExitsZeroPromptlyOnSigterm) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    EXPECT_EQ(stopDaemon(), 0) << "5 s are allowed before the daemon is called stuck";
}

TEST_F(DaemonTest, ExitsWithAnErrorWhenTheSessionBusGoesAway) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    dropClient();
    bus_.stop();
    ASSERT_TRUE(waitFor([&] { return daemon_->exitStatus().has_value(); }, 5s))
        << "nocontactd kept running without a bus";
    EXPECT_NE(*daemon_->exitStatus(), 0);
    EXPECT_LT(*daemon_->exitStatus(), 128) << "it crashed instead of exiting";
}

TEST_F(DaemonTest, WorksAgainAfterBeingKilledAndStartedAgain) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "before the daemon was killed"))));
    daemon_->kill9();
    std::uint32_t missed = idOf(signalFrom("Alex Morgan", "while no daemon was watching"));
    daemon_->start();
    ASSERT_NO_FATAL_FAILURE(waitReady());
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "after the daemon came back"))));
    EXPECT_EQ(closesOf(missed), 0) << "nothing watched while it was down";
}

TEST_F(DaemonTest, NeverPrintsMessageTextInItsOutput) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    const std::string secrets[] = {"the secret about the blue house", "a stranger's own secret",
                                   "group secret with a colon: in it"};
    signalFrom("Sam Rivera", secrets[1]);
    notify(*app_, "Telegram Desktop", 0, "Family", "<b>Alex</b>\n" + secrets[2],
           {{"desktop-entry", "org.telegram.desktop"}});
    // Sent last: once it is withheld, the daemon has handled the others too.
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", secrets[0]))));
    ASSERT_TRUE(stopDaemon() == 0);
    std::string log = daemon_->log();
    EXPECT_NE(log.find("Intervened"), std::string::npos) << "the daemon logged nothing at all";
    for (const auto& secret : secrets)
        EXPECT_EQ(log.find(secret), std::string::npos) << secret;
}
