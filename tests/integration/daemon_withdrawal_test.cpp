// SPDX-License-Identifier: GPL-3.0-or-later
// How the real nocontactd takes a kept message back after the server's reply, per server as
// GetServerInformation names it (config/withdrawal.hpp): a placeholder first where the server
// keeps closed notifications with their text, or draws the text before any close can reach it
// (Plasma); elsewhere a bare close, nothing drawn in the message's place.
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "daemon/strings.hpp"
#include "tests/integration/daemon_process.hpp"

using nocontact::testing::DaemonTest;
using nocontact::testing::FakeFdoServer;
using nocontact::testing::field;

namespace {

class AServerNamed : public DaemonTest {
  protected:
    // The fake server, named `name`, before nocontactd starts; Alex at firm (no pause drawn).
    void startOn(const std::string& name) {
        server_.reset();  // the fixture's own, named dunst
        server_ = std::make_unique<FakeFdoServer>(bus_.address(), name);
        ASSERT_NO_FATAL_FAILURE(startDaemon(nocontact::testing::alexPolicy("firm")));
        ASSERT_TRUE(waitFor([&] { return field<std::string>(status(), "server_name") == name; }));
    }
    // Every Notify nocontactd sent the server (its own app name), whatever it replaced.
    int notifiesFromNocontact() const {
        int n = 0;
        for (const auto& call : server_->calls())
            n += call.member == "Notify" && call.app_name == "nocontact";
        return n;
    }
    // Where the server got the first call `member` about notification `id` (-1: none).
    int indexOf(std::uint32_t id, const std::string& member) const {
        const auto& calls = server_->calls();
        for (int i = 0; i < static_cast<int>(calls.size()); ++i)
            if (calls[i].id == id && calls[i].member == member) return i;
        return -1;
    }
    // Sends one of Alex's messages and waits until nocontactd has closed it.
    std::uint32_t withheldMessage() {
        rememberSecret("are you awake? I keep thinking about October");
        std::uint32_t id =
            idOf(signalFrom("Alex Morgan", "are you awake? I keep thinking about October"));
        EXPECT_NE(id, 0u);
        EXPECT_TRUE(waitFor([&] { return closesOf(id) == 1; })) << "not closed";
        EXPECT_TRUE(waitFor([&] { return field<std::uint32_t>(status(), "withheld") == 1; }));
        return id;
    }
};

TEST_F(AServerNamed, PlasmaHasTheTextReplacedBeforeTheCloseSinceItDrawsBeforeAnyClose) {
    ASSERT_NO_FATAL_FAILURE(startOn("Plasma"));
    EXPECT_EQ(field<std::string>(status(), "withdrawal"), "replace-then-close");
    std::uint32_t id = withheldMessage();
    EXPECT_EQ(placeholdersFor(id), 1) << "on Plasma a close alone leaves the text on screen";
    EXPECT_LT(indexOf(id, "Notify"), indexOf(id, "CloseNotification"));
}

TEST_F(AServerNamed, Xfce4NotifydHasAKeptMessageClosedAtOnce) {
    ASSERT_NO_FATAL_FAILURE(startOn("xfce4-notifyd"));
    EXPECT_EQ(field<std::string>(status(), "withdrawal"), "close-now");
    std::uint32_t id = withheldMessage();
    EXPECT_EQ(placeholdersFor(id), 0);
    EXPECT_EQ(notifiesFromNocontact(), 0);
}

TEST_F(AServerNamed, AServerNocontactDoesNotKnowHasAKeptMessageClosedAtOnce) {
    ASSERT_NO_FATAL_FAILURE(startOn("some-new-server"));
    EXPECT_EQ(field<std::string>(status(), "withdrawal"), "close-now");
    std::uint32_t id = withheldMessage();
    EXPECT_EQ(placeholdersFor(id), 0);
}

TEST_F(AServerNamed, MakoWithoutRulesHasTheTextReplacedBeforeTheCloseSoItsHistoryKeepsNone) {
    ASSERT_NO_FATAL_FAILURE(startOn("mako"));
    EXPECT_EQ(field<std::string>(status(), "withdrawal"), "replace-then-close");
    std::uint32_t id = withheldMessage();
    EXPECT_EQ(placeholdersFor(id), 1);
    // The replacement came first: closed afterwards, mako's history keeps the placeholder.
    EXPECT_LT(indexOf(id, "Notify"), indexOf(id, "CloseNotification"));
}

TEST_F(AServerNamed, DunstTakenOverByXfce4NotifydHasTheNextMessageClosedAtOnce) {
    ASSERT_NO_FATAL_FAILURE(startOn("dunst"));
    EXPECT_EQ(field<std::string>(status(), "withdrawal"), "replace-then-close");
    EXPECT_EQ(placeholdersFor(withheldMessage()), 1);
    server_.reset();
    server_ = std::make_unique<FakeFdoServer>(bus_.address(), "xfce4-notifyd");
    ASSERT_TRUE(waitFor([&] { return field<std::string>(status(), "withdrawal") == "close-now"; }));
    std::uint32_t id = idOf(signalFrom("Alex Morgan", "and on the new server?"));
    ASSERT_TRUE(waitFor([&] { return closesOf(id) == 1; }));
    EXPECT_EQ(placeholdersFor(id), 0);
}

// For measuring one way against the other on a real server (scripts/flash-count --withdrawal),
// nocontactd can be told the way; it then takes it on any server, whatever its name.
TEST_F(AServerNamed, DunstToldToCloseAtOnceHasNothingPutInAKeptMessagesPlace) {
    before_start_ = [](nocontact::testing::DaemonProcess& d) {
        d.addArguments({"--withdrawal", "close-now"});
    };
    ASSERT_NO_FATAL_FAILURE(startOn("dunst"));
    EXPECT_EQ(field<std::string>(status(), "withdrawal"), "close-now");
    std::uint32_t id = withheldMessage();
    EXPECT_EQ(placeholdersFor(id), 0);
    EXPECT_EQ(notifiesFromNocontact(), 0);
}

TEST_F(AServerNamed, XfceToldToReplaceFirstHasThePlaceholderPutInAKeptMessagesPlace) {
    before_start_ = [](nocontact::testing::DaemonProcess& d) {
        d.addArguments({"--withdrawal", "replace-then-close"});
    };
    ASSERT_NO_FATAL_FAILURE(startOn("xfce4-notifyd"));
    EXPECT_EQ(field<std::string>(status(), "withdrawal"), "replace-then-close");
    EXPECT_EQ(placeholdersFor(withheldMessage()), 1);
}

TEST_F(AServerNamed, AWayNocontactdDoesNotKnowIsRefusedWithTheWaysItKnows) {
    nocontact::testing::DaemonProcess d(bus_.address(), false);
    d.writePolicy(nocontact::testing::alexPolicy("firm"));
    d.addArguments({"--withdrawal", "placeholder"});
    d.start();
    ASSERT_TRUE(waitFor([&] { return d.exitStatus().has_value(); }));
    EXPECT_NE(*d.exitStatus(), 0);
    EXPECT_NE(d.log().find("placeholder"), std::string::npos) << d.log();
    EXPECT_NE(d.log().find("close-now"), std::string::npos) << d.log();
}

}  // namespace
