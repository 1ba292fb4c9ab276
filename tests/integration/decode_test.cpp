// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>
#include <systemd/sd-bus.h>

#include <functional>
#include <string>

#include "dbus/decode.hpp"
#include "private_bus.hpp"

namespace nocontact::dbus {
namespace {

using Append = std::function<int(sd_bus_message*)>;

// Messages are built on a real connection to a private bus and sealed, as if received.
class ADecoder : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_GE(sd_bus_new(&bus_), 0);
        ASSERT_GE(sd_bus_set_address(bus_, private_bus_.address().c_str()), 0);
        ASSERT_GE(sd_bus_set_bus_client(bus_, 1), 0);
        ASSERT_GE(sd_bus_start(bus_), 0);
    }
    void TearDown() override {
        sd_bus_message_unref(m_);
        sd_bus_flush_close_unref(bus_);
    }

    sd_bus_message* call(const char* iface, const char* member, const Append& append) {
        EXPECT_GE(
            sd_bus_message_new_method_call(bus_, &m_, "org.example", "/org/example", iface, member),
            0);
        EXPECT_GE(append(m_), 0);
        EXPECT_GE(sd_bus_message_seal(m_, ++cookie_, 0), 0);
        return m_;
    }

    // A Notify call "susssasa{sv}i" whose hints are appended by `hints`.
    sd_bus_message* notify(const Append& hints, const char* body = "Dinner at 7?") {
        return call("org.freedesktop.Notifications", "Notify", [&](sd_bus_message* m) {
            int r = sd_bus_message_append(m, "susssas", "Signal", 413u, "", "Alex Morgan", body, 2,
                                          "default", "View");
            if (r >= 0) r = sd_bus_message_open_container(m, 'a', "{sv}");
            if (r >= 0) r = hints(m);
            if (r >= 0) r = sd_bus_message_close_container(m);
            return r < 0 ? r : sd_bus_message_append(m, "i", -1);
        });
    }

    testing::PrivateBus private_bus_;
    sd_bus* bus_ = nullptr;
    sd_bus_message* m_ = nullptr;
    std::uint64_t cookie_ = 0;
};

int imageData(sd_bus_message* m) {
    const std::uint8_t pixels[4] = {1, 2, 3, 4};
    int r = sd_bus_message_open_container(m, 'e', "sv");
    if (r >= 0) r = sd_bus_message_append(m, "s", "image-data");
    if (r >= 0) r = sd_bus_message_open_container(m, 'v', "(iiibiiay)");
    if (r >= 0) r = sd_bus_message_open_container(m, 'r', "iiibiiay");
    if (r >= 0) r = sd_bus_message_append(m, "iiibii", 1, 1, 4, 1, 8, 4);
    if (r >= 0) r = sd_bus_message_append_array(m, 'y', pixels, sizeof pixels);
    if (r >= 0) r = sd_bus_message_close_container(m);
    if (r >= 0) r = sd_bus_message_close_container(m);
    return r < 0 ? r : sd_bus_message_close_container(m);
}

TEST_F(ADecoder, ReadsASignalNotifyWithAByteUrgencyAndSkipsTheImageData) {
    auto n = decodeNotify(notify([](sd_bus_message* m) {
        int r = sd_bus_message_append(m, "{sv}{sv}{sv}", "urgency", "y", 1, "desktop-entry", "s",
                                      "signal", "sender-pid", "x", std::int64_t{48213});
        return r < 0 ? r : imageData(m);
    }));
    ASSERT_TRUE(n);
    EXPECT_EQ(n->interface, policy::Interface::Fdo);
    EXPECT_EQ(n->app_name, "Signal");
    EXPECT_EQ(n->replaces_id, 413u);
    EXPECT_EQ(n->summary, "Alex Morgan");
    EXPECT_EQ(n->body, "Dinner at 7?");
    EXPECT_EQ(n->actions, (std::vector<std::string>{"default", "View"}));
    EXPECT_EQ(n->hints,
              (std::map<std::string, std::string>{
                  {"urgency", "1"}, {"desktop-entry", "signal"}, {"sender-pid", "48213"}}));
}

TEST_F(ADecoder, PrintsChromiumsUint32UrgencyBooleansAndDoublesAsText) {
    auto n = decodeNotify(notify([](sd_bus_message* m) {
        return sd_bus_message_append(m, "{sv}{sv}{sv}{sv}", "urgency", "u", 1u, "transient", "b", 1,
                                     "value", "d", 0.5, "x", "i", -7);
    }));
    ASSERT_TRUE(n);
    EXPECT_EQ(n->hints.at("urgency"), "1");
    EXPECT_EQ(n->hints.at("transient"), "true");
    EXPECT_EQ(n->hints.at("value"), "0.5");
    EXPECT_EQ(n->hints.at("x"), "-7");
}

TEST_F(ADecoder, SkipsHintsHoldingArraysOrNestedVariantsWithoutFailing) {
    auto n = decodeNotify(notify([](sd_bus_message* m) {
        int r = sd_bus_message_append(m, "{sv}", "list", "as", 2, "a", "b");
        if (r >= 0) r = sd_bus_message_append(m, "{sv}", "nested", "v", "s", "hidden");
        return r < 0 ? r : sd_bus_message_append(m, "{sv}", "category", "s", "im.received");
    }));
    ASSERT_TRUE(n);
    EXPECT_EQ(n->hints, (std::map<std::string, std::string>{{"category", "im.received"}}));
}

TEST_F(ADecoder, CutsAHugeBodyAt64KiBWithoutSplittingACharacter) {
    // "é" (2 bytes) straddles the 64 KiB mark: it must go whole.
    std::string body = std::string(kMaxTextBytes - 1, 'a') + "é" + std::string(100, 'z');
    auto n = decodeNotify(notify([](sd_bus_message*) { return 0; }, body.c_str()));
    ASSERT_TRUE(n);
    EXPECT_EQ(n->body, std::string(kMaxTextBytes - 1, 'a'));
}

TEST_F(ADecoder, RefusesANotifyWithTheWrongSignature) {
    EXPECT_FALSE(decodeNotify(call("org.freedesktop.Notifications", "Notify", [](auto* m) {
        return sd_bus_message_append(m, "susss", "Signal", 1u, "", "Alex", "hi");
    })));
}

TEST_F(ADecoder, RefusesAnEmptyMessage) {
    EXPECT_FALSE(
        decodeNotify(call("org.freedesktop.Notifications", "Notify", [](auto*) { return 0; })));
    EXPECT_FALSE(decodeGtkAddNotification(m_));
    EXPECT_FALSE(decodePortalAddNotification(m_));
    EXPECT_FALSE(decodeNotifyReply(m_));
    EXPECT_FALSE(decodeNotify(nullptr));
}

TEST_F(ADecoder, ReadsTheIdFromANotifyReply) {
    auto id = decodeNotifyReply(
        call("x.y", "z", [](auto* m) { return sd_bus_message_append(m, "u", 42u); }));
    ASSERT_TRUE(id);
    EXPECT_EQ(*id, 42u);
}

// The dictionary GLib's GNotification sends (gsconnect-02 in the corpus), icon and buttons
// included.
int gtkDict(sd_bus_message* m) {
    int r = sd_bus_message_append(m, "a{sv}", 5, "title", "s", "WhatsApp", "body", "s",
                                  "Family Chat: Alex Morgan: Dinner at 7?", "priority", "s",
                                  "normal", "default-action", "s", "app.device", "icon", "(sv)",
                                  "bytes", "ay", 2, 0x89, 0x50);
    return r;
}

TEST_F(ADecoder, ReadsAGtkAddNotificationSkippingTheIcon) {
    auto n = decodeGtkAddNotification(call("org.gtk.Notifications", "AddNotification", [](auto* m) {
        int r = sd_bus_message_append(m, "ss", "org.gnome.Shell.Extensions.GSConnect", "2b1f|0");
        return r < 0 ? r : gtkDict(m);
    }));
    ASSERT_TRUE(n);
    EXPECT_EQ(n->interface, policy::Interface::Gtk);
    EXPECT_EQ(n->app_id, "org.gnome.Shell.Extensions.GSConnect");
    EXPECT_EQ(n->id, "2b1f|0");
    EXPECT_EQ(n->summary, "WhatsApp");
    EXPECT_EQ(n->body, "Family Chat: Alex Morgan: Dinner at 7?");
    EXPECT_EQ(n->hints.at("priority"), "normal");
    EXPECT_EQ(n->actions, (std::vector<std::string>{"default", "app.device"}));
    EXPECT_EQ(n->hints.count("icon"), 0u);
}

TEST_F(ADecoder, ReadsAPortalAddNotificationWithNoAppId) {
    auto n = decodePortalAddNotification(
        call("org.freedesktop.portal.Notification", "AddNotification", [](auto* m) {
            int r = sd_bus_message_append(m, "s", "libnotify-flatpak.org.signal.Signal-Signal-3");
            return r < 0 ? r : gtkDict(m);
        }));
    ASSERT_TRUE(n);
    EXPECT_EQ(n->interface, policy::Interface::Portal);
    EXPECT_EQ(n->app_id, "");
    EXPECT_EQ(n->id, "libnotify-flatpak.org.signal.Signal-Signal-3");
    EXPECT_EQ(n->summary, "WhatsApp");
}

TEST_F(ADecoder, RefusesAGtkTitleThatIsNotAString) {
    EXPECT_FALSE(
        decodeGtkAddNotification(call("org.gtk.Notifications", "AddNotification", [](auto* m) {
            return sd_bus_message_append(m, "ssa{sv}", "app", "id", 1, "title", "u", 7u);
        })));
}

TEST_F(ADecoder, RefusesAPortalCallShapedLikeGtk) {
    EXPECT_FALSE(decodePortalAddNotification(
        call("org.freedesktop.portal.Notification", "AddNotification",
             [](auto* m) { return sd_bus_message_append(m, "ssa{sv}", "app", "id", 0); })));
}

TEST_F(ADecoder, GivesTheSameResultWhenDecodingTwice) {
    sd_bus_message* m = notify(
        [](sd_bus_message* m) { return sd_bus_message_append(m, "{sv}", "urgency", "y", 2); });
    auto first = decodeNotify(m);
    auto second = decodeNotify(m);
    ASSERT_TRUE(first && second);
    EXPECT_EQ(first->summary, second->summary);
    EXPECT_EQ(second->hints.at("urgency"), "2");
}

}  // namespace
}  // namespace nocontact::dbus
