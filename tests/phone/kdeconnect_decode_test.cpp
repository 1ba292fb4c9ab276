// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>
#include <systemd/sd-bus.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "dbus/decode.hpp"
#include "dbus/kdeconnect_decode.hpp"
#include "private_bus.hpp"

namespace nocontact::dbus {
namespace {

using Append = std::function<int(sd_bus_message*)>;

constexpr const char* kNew = "(isa(s)xiixixa(xsss))";
constexpr const char* kOld = "(isa(s)xiixix)";

// Messages are built on a real connection to a private bus and sealed, as if received.
class AKdeConnectDecoder : public ::testing::Test {
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

    sd_bus_message* signal(const Append& append) {
        sd_bus_message_unref(m_);
        m_ = nullptr;
        EXPECT_GE(sd_bus_message_new_signal(bus_, &m_, "/modules/kdeconnect/devices/a", "x.y", "z"),
                  0);
        EXPECT_GE(append(m_), 0);
        EXPECT_GE(sd_bus_message_seal(m_, ++cookie_, 0), 0);
        return m_;
    }

    // A ConversationMessage of `type` in a variant; `tail` appends what follows subID.
    sd_bus_message* message(const char* type, int addresses, const Append& tail) {
        return signal([&](sd_bus_message* m) {
            std::string fields(type + 1, std::strlen(type) - 2);
            int r = sd_bus_message_open_container(m, 'v', type);
            if (r >= 0) r = sd_bus_message_open_container(m, 'r', fields.c_str());
            if (r >= 0) r = sd_bus_message_append(m, "is", 1, "Call me");
            if (r >= 0) r = sd_bus_message_open_container(m, 'a', "(s)");
            for (int i = 0; r >= 0 && i < addresses; ++i)
                r = sd_bus_message_append(m, "(s)", i == 0 ? "+15550100" : "+15550199");
            if (r >= 0) r = sd_bus_message_close_container(m);
            if (r >= 0)
                r = sd_bus_message_append(m, "xiixix", std::int64_t{1764190000000}, 1, 0,
                                          std::int64_t{42}, 7, std::int64_t{-1});
            if (r >= 0) r = tail(m);
            if (r >= 0) r = sd_bus_message_close_container(m);
            return r < 0 ? r : sd_bus_message_close_container(m);
        });
    }

    testing::PrivateBus private_bus_;
    sd_bus* bus_ = nullptr;
    sd_bus_message* m_ = nullptr;
    std::uint64_t cookie_ = 0;
};

int attachments(sd_bus_message* m) {
    int r = sd_bus_message_open_container(m, 'a', "(xsss)");
    if (r >= 0) r = sd_bus_message_append(m, "(xsss)", std::int64_t{3}, "image/jpeg", "", "u1");
    return r < 0 ? r : sd_bus_message_close_container(m);
}

int nothing(sd_bus_message*) {
    return 0;
}

TEST_F(AKdeConnectDecoder, ReadsTheTextPropertiesOfANotification) {
    auto n = decodeKdeConnectNotification(signal([](sd_bus_message* m) {
        return sd_bus_message_append(m, "a{sv}", 6, "internalId", "s", "0|com.whatsapp|1",
                                     "appName", "s", "WhatsApp", "title", "s", "Alex Morgan",
                                     "text", "s", "Dinner at 7?", "ticker", "s", "Alex: Dinner",
                                     "dismissable", "b", 1);
    }));
    ASSERT_TRUE(n);
    EXPECT_EQ(n->app, "WhatsApp");
    EXPECT_EQ(n->title, "Alex Morgan");
    EXPECT_EQ(n->text, "Dinner at 7?");
    EXPECT_EQ(n->ticker, "Alex: Dinner");
}

TEST_F(AKdeConnectDecoder, LeavesAMissingOrWrongTypedPropertyEmpty) {
    auto n = decodeKdeConnectNotification(signal([](sd_bus_message* m) {
        return sd_bus_message_append(m, "a{sv}", 2, "appName", "s", "Signal", "title", "i", 5);
    }));
    ASSERT_TRUE(n);
    EXPECT_EQ(n->app, "Signal");
    EXPECT_EQ(n->title, "");
    EXPECT_EQ(n->text, "");
}

TEST_F(AKdeConnectDecoder, CutsAHugeNotificationText) {
    std::string huge(kMaxTextBytes + 10, 'x');
    auto n = decodeKdeConnectNotification(signal([&](sd_bus_message* m) {
        return sd_bus_message_append(m, "a{sv}", 1, "text", "s", huge.c_str());
    }));
    ASSERT_TRUE(n);
    EXPECT_EQ(n->text.size(), kMaxTextBytes);
}

TEST_F(AKdeConnectDecoder, RefusesPropertiesThatAreNotADictionary) {
    EXPECT_FALSE(decodeKdeConnectNotification(
        signal([](sd_bus_message* m) { return sd_bus_message_append(m, "s", "appName"); })));
    EXPECT_FALSE(decodeKdeConnectNotification(signal([](sd_bus_message* m) {
        return sd_bus_message_append(m, "a{ss}", 1, "appName", "WhatsApp");
    })));
}

TEST_F(AKdeConnectDecoder, ReadsAConversationMessageWithAttachments) {
    auto msg = decodeConversationMessage(message(kNew, 2, attachments));
    ASSERT_TRUE(msg);
    EXPECT_EQ(msg->body, "Call me");
    EXPECT_EQ(msg->addresses, (std::vector<std::string>{"+15550100", "+15550199"}));
    EXPECT_EQ(msg->date_ms, 1764190000000);
    EXPECT_TRUE(msg->incoming);
    EXPECT_EQ(msg->thread, 42);
    EXPECT_EQ(msg->uid, 7);
}

TEST_F(AKdeConnectDecoder, ReadsTheOlderConversationMessageWithoutAttachments) {
    auto msg = decodeConversationMessage(message(kOld, 1, nothing));
    ASSERT_TRUE(msg);
    EXPECT_EQ(msg->thread, 42);
    EXPECT_EQ(msg->addresses, std::vector<std::string>{"+15550100"});
}

TEST_F(AKdeConnectDecoder, ToleratesFieldsAddedAfterTheAttachments) {
    auto msg =
        decodeConversationMessage(message("(isa(s)xiixixa(xsss)s)", 1, [](sd_bus_message* m) {
            int r = attachments(m);
            return r < 0 ? r : sd_bus_message_append(m, "s", "a future field");
        }));
    ASSERT_TRUE(msg);
    EXPECT_EQ(msg->body, "Call me");
}

TEST_F(AKdeConnectDecoder, KeepsAtMostSixtyFourAddresses) {
    auto msg = decodeConversationMessage(message(kOld, 500, nothing));
    ASSERT_TRUE(msg);
    EXPECT_EQ(msg->addresses.size(), 64u);
    EXPECT_EQ(msg->addresses[0], "+15550100");
}

TEST_F(AKdeConnectDecoder, RefusesAConversationMessageOfAnotherShape) {
    EXPECT_FALSE(decodeConversationMessage(
        signal([](sd_bus_message* m) { return sd_bus_message_append(m, "v", "s", "x"); })));
    EXPECT_FALSE(decodeConversationMessage(signal(
        [](sd_bus_message* m) { return sd_bus_message_append(m, "v", "(is)", 1, "body"); })));
    EXPECT_FALSE(decodeConversationMessage(
        signal([](sd_bus_message* m) { return sd_bus_message_append(m, "s", "x"); })));
    EXPECT_FALSE(decodeConversationMessage(signal([](sd_bus_message* m) {
        return sd_bus_message_append(m, "v", "(isa(s)xiixi)", 1, "b", 0, std::int64_t{1}, 1, 0,
                                     std::int64_t{2}, 3);
    })));
}

TEST_F(AKdeConnectDecoder, ReadsACallAndRefusesOtherSignatures) {
    auto ring = decodeCallReceived(signal([](sd_bus_message* m) {
        return sd_bus_message_append(m, "sss", "missedCall", "+15550100", "Alex Morgan");
    }));
    ASSERT_TRUE(ring);
    EXPECT_EQ(ring->event, "missedCall");
    EXPECT_EQ(ring->number, "+15550100");
    EXPECT_EQ(ring->contact_name, "Alex Morgan");
    EXPECT_FALSE(decodeCallReceived(
        signal([](sd_bus_message* m) { return sd_bus_message_append(m, "i", 7); })));
    EXPECT_FALSE(decodeCallReceived(signal(
        [](sd_bus_message* m) { return sd_bus_message_append(m, "ss", "callReceived", "+1"); })));
}

TEST(AKdeConnectPath, NamesTheDeviceOnlyInItsOwnPaths) {
    EXPECT_EQ(
        kdeConnectDeviceOf("/modules/kdeconnect/devices/a1b2/notifications", "/notifications"),
        "a1b2");
    EXPECT_EQ(kdeConnectDeviceOf("/modules/kdeconnect/devices/a1b2", ""), "a1b2");
    EXPECT_EQ(kdeConnectDeviceOf("/modules/kdeconnect/devices/a1b2/telephony", ""), "");
    EXPECT_EQ(kdeConnectDeviceOf("/modules/kdeconnect/devices//notifications", "/notifications"),
              "");
    EXPECT_EQ(kdeConnectDeviceOf("/modules/kdeconnect/devices/", ""), "");
    EXPECT_EQ(kdeConnectDeviceOf("/modules/kdeconnect/elsewhere/notifications", "/notifications"),
              "");
    EXPECT_EQ(kdeConnectDeviceOf("/other/devices/a1b2", ""), "");
}

}  // namespace
}  // namespace nocontact::dbus
