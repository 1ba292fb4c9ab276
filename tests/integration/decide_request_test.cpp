// SPDX-License-Identifier: GPL-3.0-or-later
// Decide's argument, decoded without a bus: what the GNOME Shell extension sends becomes what
// the monitor would have seen, and anything else is refused with a sentence.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <variant>
#include <vector>

#include "dbus/decide_request.hpp"
#include "dbus/decode.hpp"

namespace nocontact::dbus {
namespace {

using Request = std::map<std::string, sdbus::Variant>;

Request fdoRequest() {
    return {{"source", sdbus::Variant(std::string("fdo"))},
            {"app_name", sdbus::Variant(std::string("Signal"))},
            {"icon", sdbus::Variant(std::string("signal-desktop"))},
            {"summary", sdbus::Variant(std::string("Alex Morgan"))},
            {"body", sdbus::Variant(std::string("Are you up?"))},
            {"actions", sdbus::Variant(std::vector<std::string>{"default", "Open"})},
            {"hints", sdbus::Variant(std::map<std::string, std::string>{{"desktop-entry", "signal"},
                                                                        {"sender-pid", "4242"}})},
            {"sender", sdbus::Variant(std::string(":1.7"))},
            {"sender_pid", sdbus::Variant(std::uint32_t{4242})},
            {"deadline_usec", sdbus::Variant(std::int64_t{123456789})}};
}

TEST(ADecideRequest, BecomesTheNotificationTheMonitorWouldHaveSeen) {
    auto decoded = decodeDecideRequest(fdoRequest());
    ASSERT_TRUE(std::holds_alternative<DecideRequest>(decoded)) << std::get<std::string>(decoded);
    const auto& r = std::get<DecideRequest>(decoded);
    const auto& n = r.observed.notification;
    EXPECT_EQ(n.interface, policy::Interface::Fdo);
    EXPECT_EQ(n.app_name, "Signal");
    EXPECT_EQ(n.app_icon, "signal-desktop");
    EXPECT_EQ(n.summary, "Alex Morgan");
    EXPECT_EQ(n.body, "Are you up?");
    EXPECT_EQ(n.actions, (std::vector<std::string>{"default", "Open"}));
    EXPECT_EQ(n.desktopEntry(), "signal");
    EXPECT_EQ(r.observed.sender, ":1.7");
    EXPECT_EQ(r.sender_pid, 4242u);
    EXPECT_EQ(r.deadline_usec, 123456789);
}

TEST(ADecideRequest, ReadsGtkAndPortalSources) {
    Request gtk = {{"source", sdbus::Variant(std::string("gtk"))},
                   {"app_id", sdbus::Variant(std::string("sm.puri.Chatty"))},
                   {"id", sdbus::Variant(std::string("+14155550100"))}};
    auto decoded = decodeDecideRequest(gtk);
    ASSERT_TRUE(std::holds_alternative<DecideRequest>(decoded));
    const auto& n = std::get<DecideRequest>(decoded).observed.notification;
    EXPECT_EQ(n.interface, policy::Interface::Gtk);
    EXPECT_EQ(n.app_id, "sm.puri.Chatty");
    EXPECT_EQ(n.id, "+14155550100");
    gtk["source"] = sdbus::Variant(std::string("portal"));
    decoded = decodeDecideRequest(gtk);
    ASSERT_TRUE(std::holds_alternative<DecideRequest>(decoded));
    EXPECT_EQ(std::get<DecideRequest>(decoded).observed.notification.interface,
              policy::Interface::Portal);
}

TEST(ADecideRequest, CutsTextLikeTheMonitor) {
    Request r = fdoRequest();
    r["body"] = sdbus::Variant(std::string(dbus::kMaxTextBytes - 1, 'a') + "\xc3\xa9");
    auto decoded = decodeDecideRequest(r);
    ASSERT_TRUE(std::holds_alternative<DecideRequest>(decoded));
    EXPECT_EQ(std::get<DecideRequest>(decoded).observed.notification.body.size(),
              dbus::kMaxTextBytes - 1)
        << "a UTF-8 sequence was split";
}

TEST(ADecideRequest, IgnoresKeysItDoesNotKnow) {
    Request r = fdoRequest();
    r["x-from-a-later-extension"] = sdbus::Variant(std::int32_t{3});
    EXPECT_TRUE(std::holds_alternative<DecideRequest>(decodeDecideRequest(r)));
}

TEST(ADecideRequest, IsRefusedWithASentenceWhenMalformed) {
    auto refused = [](Request r) {
        auto decoded = decodeDecideRequest(r);
        return std::holds_alternative<std::string>(decoded) &&
               !std::get<std::string>(decoded).empty();
    };
    Request r = fdoRequest();
    r.erase("source");
    EXPECT_TRUE(refused(r));
    EXPECT_TRUE(refused({{"source", sdbus::Variant(std::string("sms"))}}));
    EXPECT_TRUE(refused({{"source", sdbus::Variant(std::int32_t{1})}}));
    for (const char* key : {"app_name", "app_id", "id", "icon", "summary", "body", "sender"}) {
        r = fdoRequest();
        r[key] = sdbus::Variant(std::uint32_t{1});
        EXPECT_TRUE(refused(r)) << key;
    }
    r = fdoRequest();
    r["hints"] = sdbus::Variant(std::vector<std::string>{"desktop-entry"});
    EXPECT_TRUE(refused(r));
    r = fdoRequest();
    r["actions"] = sdbus::Variant(std::string("default"));
    EXPECT_TRUE(refused(r));
    r = fdoRequest();
    r["sender_pid"] = sdbus::Variant(std::string("4242"));
    EXPECT_TRUE(refused(r));
    r = fdoRequest();
    r["deadline_usec"] = sdbus::Variant(std::uint64_t{1});
    EXPECT_TRUE(refused(r));
    EXPECT_TRUE(refused({}));
}

}  // namespace
}  // namespace nocontact::dbus
