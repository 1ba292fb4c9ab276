// SPDX-License-Identifier: GPL-3.0-or-later
#include "dbus/call_pairing.hpp"

#include <gtest/gtest.h>

namespace nocontact::dbus {
namespace {

Observed called(const std::string& summary) {
    Observed o;
    o.notification.summary = summary;
    return o;
}

TEST(CallPairing, HandsACallBackOnceWhenItsReplyComes) {
    CallPairing pairing(4);
    EXPECT_TRUE(pairing.add({":1.5", 7}, called("Alex")).waiting);
    EXPECT_FALSE(pairing.answer({":1.5", 8}));
    EXPECT_FALSE(pairing.answer({":1.6", 7}));
    auto call = pairing.answer({":1.5", 7});
    ASSERT_TRUE(call);
    EXPECT_EQ(call->notification.summary, "Alex");
    EXPECT_FALSE(pairing.answer({":1.5", 7}));
    EXPECT_EQ(pairing.size(), 0u);
}

TEST(CallPairing, KeepsTheFirstOfTheSameCallSeenTwice) {
    CallPairing pairing(4);
    pairing.add({":1.5", 7}, called("first"));
    EXPECT_FALSE(pairing.add({":1.5", 7}, called("copy")).waiting);
    EXPECT_EQ(pairing.answer({":1.5", 7})->notification.summary, "first");
}

TEST(CallPairing, HandsBackTheOldestCallWhenFull) {
    CallPairing pairing(2);
    pairing.add({":1.5", 1}, called("one"));
    pairing.add({":1.5", 2}, called("two"));
    auto added = pairing.add({":1.5", 3}, called("three"));
    ASSERT_TRUE(added.evicted);
    EXPECT_EQ(added.evicted->notification.summary, "one");
    EXPECT_FALSE(pairing.answer({":1.5", 1}));
    EXPECT_TRUE(pairing.answer({":1.5", 2}));
    EXPECT_TRUE(pairing.answer({":1.5", 3}));
}

}  // namespace
}  // namespace nocontact::dbus
