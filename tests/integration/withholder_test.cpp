// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <systemd/sd-bus.h>

#include <optional>
#include <vector>

#include "daemon/bus_source.hpp"
#include "dbus/withholder.hpp"
#include "fake_fdo_server.hpp"
#include "private_bus.hpp"

namespace nocontact::dbus {
namespace {

using namespace std::chrono_literals;
using testing::Client;
using testing::FakeFdoServer;
using testing::iterate;
using testing::waitUntil;

constexpr const char* kPlaceholder = "A message is waiting for you";

// A stand-in for org.gtk.Notifications that records RemoveNotification(app_id, id).
class FakeGtkServer {
  public:
    explicit FakeGtkServer(const std::string& address) : client_(address) {
        static const sd_bus_vtable kVtable[] = {
            SD_BUS_VTABLE_START(0),
            SD_BUS_METHOD("RemoveNotification", "ss", "", &FakeGtkServer::onRemove, 0),
            SD_BUS_VTABLE_END};
        sd_bus_add_object_vtable(client_.bus(), nullptr, "/org/gtk/Notifications",
                                 "org.gtk.Notifications", kVtable, this);
        sd_bus_request_name(client_.bus(), "org.gtk.Notifications", 0);
    }
    std::vector<std::pair<std::string, std::string>> removed;

  private:
    static int onRemove(sd_bus_message* m, void* userdata, sd_bus_error*) {
        const char *app = nullptr, *id = nullptr;
        if (int r = sd_bus_message_read(m, "ss", &app, &id); r < 0) return r;
        static_cast<FakeGtkServer*>(userdata)->removed.emplace_back(app, id);
        return sd_bus_reply_method_return(m, "");
    }
    Client client_;
};

class AWithholder : public ::testing::Test {
  protected:
    void SetUp() override {
        withholder_.start();
        source_ = daemon::BusSource::forSdBus(withholder_.bus(), [] {});
        source_->attach();
        quiet_source_ = daemon::BusSource::forSdBusSender(withholder_.quietBus(),
                                                          [this] { quiet_lost_ = true; });
        quiet_source_->attach();
        ASSERT_TRUE(
            waitUntil([&] { return !withholder_.server().capabilities.empty(); }, 5s, iterate));
    }
    void TearDown() override {
        quiet_source_.reset();
        source_.reset();
    }

    // An FDO notification shown by an app, as the monitor would report it.
    Observed shown(const std::string& summary, const std::string& body) {
        std::uint32_t id = 0;
        app_.notify("Signal", 0, summary, body, {}, &id);
        EXPECT_TRUE(waitUntil([&] { return id != 0; }, 5s, iterate));
        Observed o;
        o.notification.summary = summary;
        o.notification.body = body;
        o.sender = app_.uniqueName();
        o.fdo_id = id;
        o.server = server_.uniqueName();
        return o;
    }

    struct Result {
        Withholder::Outcome outcome;
        std::string detail;
    };
    Result withhold(const Observed& o,
                    const std::optional<std::string>& placeholder = kPlaceholder) {
        std::optional<Result> result;
        withholder_.withhold(o, placeholder, [&](Withholder::Outcome out, const std::string& d) {
            result = Result{out, d};
        });
        EXPECT_TRUE(waitUntil([&] { return result.has_value(); }, 5s, iterate));
        return result.value_or(Result{Withholder::Outcome::Failed, "timed out"});
    }

    // The calls the withholder's connections made to the server, in order.
    std::vector<FakeFdoServer::Call> callsFromUs() const {
        std::vector<FakeFdoServer::Call> out;
        for (const auto& c : server_.calls())
            if (withholder_.own(c.sender) &&
                (c.member == "Notify" || c.member == "CloseNotification"))
                out.push_back(c);
        return out;
    }

    static std::string uniqueName(sd_bus* bus) {
        const char* name = nullptr;
        return sd_bus_get_unique_name(bus, &name) >= 0 && name ? name : "";
    }

    testing::PrivateBus bus_;
    FakeFdoServer server_{bus_.address()};
    Client app_{bus_.address()};
    std::vector<ServerInfo> changes_;
    Withholder withholder_{bus_.address(), [this](const ServerInfo& s) { changes_.push_back(s); }};
    std::unique_ptr<daemon::BusSource> source_, quiet_source_;
    bool quiet_lost_ = false;
};

TEST_F(AWithholder, ReadsTheServersNameOwnerAndCapabilities) {
    const ServerInfo& s = withholder_.server();
    EXPECT_EQ(s.unique_name, server_.uniqueName());
    EXPECT_EQ(s.name, "fake-fdo");
    EXPECT_EQ(s.vendor, "nocontact-tests");
    EXPECT_EQ(s.capabilities, (std::vector<std::string>{"body", "actions", "persistence"}));
    EXPECT_FALSE(s.refuses_foreign_close);
    EXPECT_FALSE(changes_.empty());
}

TEST_F(AWithholder, ReplacesTheTextWithThePlaceholderThenClosesTheNotification) {
    Observed o = shown("Alex Morgan", "Dinner at 7? I booked the usual place");
    Result r = withhold(o);
    EXPECT_EQ(r.outcome, Withholder::Outcome::Withheld) << r.detail;
    auto calls = callsFromUs();
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[0].member, "Notify");
    EXPECT_EQ(calls[0].id, o.fdo_id);
    EXPECT_EQ(calls[0].summary, kPlaceholder);
    EXPECT_EQ(calls[0].body, "");
    EXPECT_EQ(calls[0].hints.at("transient"), "true");
    EXPECT_EQ(calls[0].hints.at("urgency"), "0");
    EXPECT_EQ(calls[1].member, "CloseNotification");
    EXPECT_EQ(calls[1].id, o.fdo_id);
    EXPECT_TRUE(calls[0].wants_reply && calls[1].wants_reply) << "a new server's answers are read";
    for (const auto& c : calls) {
        EXPECT_EQ(c.summary.find("Alex"), std::string::npos);
        EXPECT_EQ(c.body.find("Dinner"), std::string::npos);
    }
    EXPECT_EQ(server_.shown().count(o.fdo_id), 0u);
}

TEST_F(AWithholder, ClosesTheNotificationAtOnceWhenGivenNoPlaceholder) {
    Observed o = shown("Alex Morgan", "Dinner at 7? I booked the usual place");
    Result r = withhold(o, std::nullopt);
    EXPECT_EQ(r.outcome, Withholder::Outcome::Withheld) << r.detail;
    auto calls = callsFromUs();
    ASSERT_EQ(calls.size(), 1u) << "nothing is put in its place";
    EXPECT_EQ(calls[0].member, "CloseNotification");
    EXPECT_EQ(calls[0].id, o.fdo_id);
    EXPECT_EQ(server_.shown().count(o.fdo_id), 0u);
}

TEST_F(AWithholder, AlsoClosesTheNewNotificationOfAServerThatDidNotReplaceInPlace) {
    Observed gone;
    gone.fdo_id = 4242;  // not shown: the fake server makes a new notification instead
    withhold(gone);
    // The close follows the placeholder at once; the placeholder's reply brings its new id.
    ASSERT_TRUE(waitUntil([&] { return callsFromUs().size() >= 3; }, 5s, iterate));
    auto calls = callsFromUs();
    ASSERT_EQ(calls.size(), 3u);
    EXPECT_EQ(calls[0].member, "Notify");
    EXPECT_EQ(calls[1].member, "CloseNotification");
    EXPECT_EQ(calls[1].id, 4242u);
    EXPECT_EQ(calls[2].member, "CloseNotification");
    EXPECT_NE(calls[2].id, 4242u);  // the placeholder the server made for us
    ASSERT_TRUE(waitUntil([&] { return server_.shown().empty(); }, 5s, iterate));
    // Such a server is asked again for the next placeholder's id.
    withhold(shown("Alex Morgan", "the next one"));
    ASSERT_TRUE(waitUntil([&] { return callsFromUs().size() == 5; }, 5s, iterate));
    EXPECT_EQ(callsFromUs()[3].member, "Notify");
    EXPECT_TRUE(callsFromUs()[3].wants_reply);
}

TEST_F(AWithholder, ClosesANewPlaceholderFromTheConnectionThatMadeIt) {
    // GNOME Shell refuses a close from anyone but the notification's sender.
    server_.refuseForeignClose(true);
    Observed gone;
    gone.fdo_id = 4242;  // not shown: the fake server makes a new notification instead
    withhold(gone);
    ASSERT_TRUE(waitUntil([&] { return callsFromUs().size() >= 3; }, 5s, iterate));
    EXPECT_TRUE(waitUntil([&] { return server_.shown().empty(); }, 5s, iterate))
        << "the placeholder the server made is still shown";
}

TEST_F(AWithholder, AsksForNoAnswerOnceTheServerHasShownWhatItAnswers) {
    Observed first = shown("Alex Morgan", "one");
    EXPECT_EQ(withhold(first).outcome, Withholder::Outcome::Withheld);
    Observed second = shown("Alex Morgan", "two");
    Observed third = shown("Alex Morgan", "three");
    EXPECT_EQ(withhold(second).outcome, Withholder::Outcome::Withheld);
    EXPECT_EQ(withhold(third).outcome, Withholder::Outcome::Withheld);
    ASSERT_TRUE(waitUntil([&] { return callsFromUs().size() == 6; }, 5s, iterate));
    auto calls = callsFromUs();
    // Those that ask for nothing go on the connection nobody listens to (a server's
    // NotificationClosed goes to whoever sent the placeholder, and must not wake the actor).
    const std::string actor = uniqueName(withholder_.bus());
    const std::string quiet = uniqueName(withholder_.quietBus());
    ASSERT_NE(actor, quiet);
    for (std::size_t i = 0; i < calls.size(); ++i) {
        EXPECT_EQ(calls[i].member, i % 2 == 0 ? "Notify" : "CloseNotification") << i;
        EXPECT_EQ(calls[i].wants_reply, i < 2) << calls[i].member << " " << i;
        EXPECT_EQ(calls[i].sender, i < 2 ? actor : quiet) << calls[i].member << " " << i;
    }
    EXPECT_EQ(calls[2].id, second.fdo_id);
    EXPECT_EQ(calls[5].id, third.fdo_id);
    EXPECT_EQ(calls[4].summary, kPlaceholder);
    // Plasma refuses a Notify just like the last one within a second: no two placeholders are.
    EXPECT_NE(calls[2].hints.at("x-kde-eventId"), calls[4].hints.at("x-kde-eventId"));
    EXPECT_TRUE(server_.shown().empty()) << "every one still replaced, then closed";
}

// Bytes the bus has written to `bus` that it has not read yet.
static int unread(sd_bus* bus) {
    int bytes = -1;
    return ioctl(sd_bus_get_fd(bus), FIONREAD, &bytes) == 0 ? bytes : -1;
}

TEST_F(AWithholder, ReadsWhatComesToItsQuietConnectionWhenItNextUsesIt) {
    server_.tellOnlyTheSender(true);  // as dunst tells the sender of the placeholder it closed
    EXPECT_EQ(withhold(shown("Alex Morgan", "one")).outcome, Withholder::Outcome::Withheld);
    EXPECT_EQ(withhold(shown("Alex Morgan", "two")).outcome, Withholder::Outcome::Withheld);
    ASSERT_TRUE(waitUntil([&] { return callsFromUs().size() == 4; }, 5s, iterate));
    ASSERT_EQ(callsFromUs().back().sender, uniqueName(withholder_.quietBus()));
    // The server's NotificationClosed for "two" reaches the quiet connection, and the loop,
    // which watches it only for hanging up, leaves it there.
    ASSERT_TRUE(waitUntil([&] { return unread(withholder_.quietBus()) > 0; }, 5s, iterate));
    ASSERT_TRUE(waitUntil([&] { return server_.shown().empty(); }, 5s, iterate));
    iterate();
    EXPECT_GT(unread(withholder_.quietBus()), 0);
    // Used again, it is read at once: nothing piles up at the bus. (The server answers the new
    // calls only when this thread's loop turns again.)
    Observed three = shown("Alex Morgan", "three");
    std::optional<Withholder::Outcome> outcome;
    withholder_.withhold(three, kPlaceholder,
                         [&](Withholder::Outcome o, const std::string&) { outcome = o; });
    EXPECT_EQ(outcome, Withholder::Outcome::Withheld);
    EXPECT_EQ(unread(withholder_.quietBus()), 0);
}

TEST_F(AWithholder, HasItsQuietConnectionReportedLostWhenASendFindsItGone) {
    EXPECT_EQ(withhold(shown("Alex Morgan", "one")).outcome, Withholder::Outcome::Withheld);
    Observed two = shown("Alex Morgan", "two");
    // Gone under it, and used before the loop turns: the send finds out, and the drain after it
    // must leave the connection for its source to report.
    ASSERT_EQ(::shutdown(sd_bus_get_fd(withholder_.quietBus()), SHUT_RDWR), 0);
    withholder_.withhold(two, kPlaceholder, [](Withholder::Outcome, const std::string&) {});
    EXPECT_TRUE(waitUntil([&] { return quiet_lost_; }, 5s, iterate));
}

TEST_F(AWithholder, KeepsReadingEveryCloseAnswerOfAGnomeShell) {
    // GNOME Shell answers a close by who sent the notification, so no answer stands for the next.
    server_.setName("gnome-shell");
    server_.restart();
    ASSERT_TRUE(waitUntil([&] { return withholder_.server().name == "gnome-shell"; }, 5s, iterate));
    for (const char* body : {"one", "two", "three"})
        EXPECT_EQ(withhold(shown("Alex Morgan", body), std::nullopt).outcome,
                  Withholder::Outcome::Withheld);
    auto calls = callsFromUs();
    ASSERT_EQ(calls.size(), 3u);
    for (const auto& c : calls)
        EXPECT_TRUE(c.wants_reply);
}

TEST_F(AWithholder, ReportsAGnomeLikeRefusalAndRemembersIt) {
    server_.refuseForeignClose(true);
    Result r = withhold(shown("Alex Morgan", "hey"));
    EXPECT_EQ(r.outcome, Withholder::Outcome::RefusedByServer);
    EXPECT_EQ(r.detail, "org.freedesktop.DBus.Error.InvalidArgs");
    EXPECT_TRUE(withholder_.server().refuses_foreign_close);
    EXPECT_TRUE(changes_.back().refuses_foreign_close);
}

TEST_F(AWithholder, ReportsOtherErrorsByName) {
    Observed o;
    o.notification.interface = policy::Interface::Gtk;  // nobody owns org.gtk.Notifications
    o.notification.app_id = "org.example.App";
    Result r = withhold(o);
    EXPECT_EQ(r.outcome, Withholder::Outcome::Failed);
    EXPECT_EQ(r.detail, "org.freedesktop.DBus.Error.ServiceUnknown");
}

TEST_F(AWithholder, RemovesAGtkNotificationByAppIdAndId) {
    FakeGtkServer gtk(bus_.address());
    Observed o;
    o.notification.interface = policy::Interface::Gtk;
    o.notification.app_id = "org.gnome.Shell.Extensions.GSConnect";
    o.notification.id = "2b1f|0";
    Result r = withhold(o);
    EXPECT_EQ(r.outcome, Withholder::Outcome::Withheld) << r.detail;
    ASSERT_EQ(gtk.removed.size(), 1u);
    EXPECT_EQ(gtk.removed[0].first, "org.gnome.Shell.Extensions.GSConnect");
    EXPECT_EQ(gtk.removed[0].second, "2b1f|0");
}

TEST_F(AWithholder, SaysPortalNotificationsGoThroughTheirForwardedCopy) {
    Observed o;
    o.notification.interface = policy::Interface::Portal;
    Result r = withhold(o);
    EXPECT_EQ(r.outcome, Withholder::Outcome::Failed);
    EXPECT_NE(r.detail.find("forwarded copy"), std::string::npos);
}

TEST_F(AWithholder, FollowsTheServerThroughARestart) {
    std::string old_owner = server_.uniqueName();
    changes_.clear();
    server_.setCapabilities({"body"});
    server_.restart();
    ASSERT_TRUE(waitUntil(
        [&] {
            return withholder_.server().unique_name == server_.uniqueName() &&
                   withholder_.server().capabilities == std::vector<std::string>{"body"};
        },
        5s, iterate));
    EXPECT_NE(server_.uniqueName(), old_owner);
    EXPECT_EQ(withholder_.server().name, "fake-fdo");
    bool saw_nobody = false;
    for (const auto& c : changes_)
        saw_nobody |= c.unique_name.empty();
    EXPECT_TRUE(saw_nobody);
    EXPECT_EQ(changes_.back().capabilities, std::vector<std::string>{"body"});
}

TEST_F(AWithholder, NeverTouchesARestartedServersNotificationThatHasTheSameId) {
    Observed o = shown("Alex Morgan", "shown by the server before it restarted");
    server_.restart();
    ASSERT_TRUE(waitUntil([&] { return withholder_.server().unique_name == server_.uniqueName(); },
                          5s, iterate));
    // The new server counts its ids afresh: a stranger's notification may now have the same id.
    Observed stranger = shown("Sam Rivera", "a new notification on the new server");
    // Even once the new server is trusted to answer as it always does, what it would answer
    // says nothing of a call for the old one.
    for (const char* body : {"one", "two"})
        EXPECT_EQ(withhold(shown("Alex Morgan", body)).outcome, Withholder::Outcome::Withheld);
    ASSERT_TRUE(waitUntil([&] { return callsFromUs().size() == 4; }, 5s, iterate));
    Result r = withhold(o);
    EXPECT_EQ(r.outcome, Withholder::Outcome::Failed) << "the old server is gone";
    EXPECT_EQ(callsFromUs().size(), 4u) << "nothing may reach the new server for an old id";
    EXPECT_EQ(server_.shown().count(stranger.fdo_id), 1u);
}

}  // namespace
}  // namespace nocontact::dbus
