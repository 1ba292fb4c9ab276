// SPDX-License-Identifier: GPL-3.0-or-later
// How ModemManager's states and messages are read (dbus/modem_decode.hpp): every call state, and
// properties of the expected type only, from messages sealed here as if they came from it.
#include "dbus/modem_decode.hpp"

#include <gtest/gtest.h>
#include <systemd/sd-bus.h>

#include <functional>
#include <memory>
#include <vector>

#include "fake_modemmanager.hpp"
#include "private_bus.hpp"

namespace nocontact::dbus {
namespace {

using fakes::connect;

TEST(AModemCallState, MapsEveryModemManagerStateAndCallsTheRestOther) {
    using State = PhoneCall::State;
    const State expected[] = {State::Other,  State::Dialing, State::Dialing, State::Ringing,
                              State::Active, State::Active,  State::Ringing, State::Ended};
    for (int mm = 0; mm < 8; ++mm)
        EXPECT_EQ(modem::callState(mm), expected[mm]) << mm;
    EXPECT_EQ(modem::callState(8), State::Other);
    EXPECT_EQ(modem::callState(-1), State::Other);
}

// Messages built and sealed here, then read as if they had come from ModemManager.
class AModemMessage : public ::testing::Test {
  protected:
    sd_bus_message* sealed(const std::function<int(sd_bus_message*)>& append) {
        sd_bus_message* m = nullptr;
        EXPECT_GE(sd_bus_message_new_signal(bus_, &m, "/x", "org.example.X", "Y"), 0);
        EXPECT_GE(append(m), 0);
        EXPECT_GE(sd_bus_message_seal(m, 1, 0), 0);
        EXPECT_GE(sd_bus_message_rewind(m, 1), 0);
        kept_.emplace_back(m, &sd_bus_message_unref);
        return m;
    }

    testing::PrivateBus private_;
    sd_bus* bus_ = connect(private_.address());
    std::vector<std::unique_ptr<sd_bus_message, sd_bus_message* (*)(sd_bus_message*)>> kept_;

    ~AModemMessage() override { sd_bus_flush_close_unref(bus_); }
};

TEST_F(AModemMessage, ReadsOnlyPropertiesOfTheExpectedTypeAndSkipsTheRest) {
    sd_bus_message* m = sealed([](sd_bus_message* m) {
        return sd_bus_message_append(m, "a{sv}", 4, "Number", "i", 5, "State", "i", 3, "Text", "s",
                                     "hi", "Direction", "as", 1, "x");
    });
    std::int32_t state = 0;
    const char* text = nullptr;
    std::vector<std::string> keys;
    EXPECT_TRUE(modem::forEachProperty(m, [&](const char* key) {
        keys.emplace_back(key);
        if (keys.size() == 1) return modem::readVariant(m, 's', &text);  // an int: not read
        if (keys.size() == 2) return modem::readVariant(m, 'i', &state);
        return false;
    }));
    EXPECT_EQ(keys, (std::vector<std::string>{"Number", "State", "Text", "Direction"}));
    EXPECT_EQ(text, nullptr);
    EXPECT_EQ(state, 3);
}

TEST_F(AModemMessage, ReadsNothingFromAMessageOfAnotherShape) {
    sd_bus_message* m =
        sealed([](sd_bus_message* m) { return sd_bus_message_append(m, "s", "x"); });
    EXPECT_FALSE(modem::forEachProperty(m, [](const char*) { return false; }));
    EXPECT_TRUE(modem::readPaths(m).empty());
    modem::Interfaces none = modem::readInterfaces(m);
    EXPECT_FALSE(none.voice || none.messaging);
}

TEST_F(AModemMessage, NamesTheVoiceAndMessagingInterfacesOfAModem) {
    sd_bus_message* m = sealed([](sd_bus_message* m) {
        return sd_bus_message_append(m, "a{sa{sv}}", 2, "org.freedesktop.ModemManager1.Modem", 1,
                                     "State", "i", 8, "org.freedesktop.ModemManager1.Modem.Voice",
                                     0);
    });
    modem::Interfaces has = modem::readInterfaces(m);
    EXPECT_TRUE(has.voice);
    EXPECT_FALSE(has.messaging);
}

}  // namespace
}  // namespace nocontact::dbus
