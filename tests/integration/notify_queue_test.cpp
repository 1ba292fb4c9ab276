// SPDX-License-Identifier: GPL-3.0-or-later
// What waits for a hung notification server: at most one change per notification.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "daemon/pause/notify_queue.hpp"

namespace nocontact::daemon {
namespace {

using Kind = NotifyOp::Kind;

NotifyOp op(Kind kind, Notifier::Handle handle, const std::string& body = "") {
    return {.kind = kind, .handle = handle, .content = {.summary = "pause", .body = body}};
}

// Every op left, as "kind:handle:body".
std::vector<std::string> drain(NotifyQueue& queue) {
    std::vector<std::string> out;
    static const char* kNames[] = {"post", "update", "close", "caps"};
    while (auto next = queue.pop())
        out.push_back(std::string(kNames[static_cast<int>(next->kind)]) + ":" +
                      std::to_string(next->handle) + ":" + next->content.body);
    return out;
}

TEST(ANotifyQueue, KeepsOnlyTheLatestCountdownBehindAHungCall) {
    NotifyQueue queue;
    for (int second = 20; second > 0; --second)
        queue.push(op(Kind::Update, 1, std::to_string(second)));
    EXPECT_EQ(queue.size(), 1u) << "a countdown of 20 seconds, one update waiting";
    EXPECT_EQ(drain(queue), std::vector<std::string>{"update:1:1"});
}

TEST(ANotifyQueue, FoldsAnUpdateIntoAPostTheServerHasNotSeen) {
    NotifyQueue queue;
    queue.push(op(Kind::Post, 1, "3 seconds"));
    queue.push(op(Kind::Update, 1, "2 seconds"));
    EXPECT_EQ(drain(queue), std::vector<std::string>{"post:1:2 seconds"});
}

TEST(ANotifyQueue, KeepsEachNotificationsChangesApartAndInOrder) {
    NotifyQueue queue;
    queue.push(op(Kind::Update, 1, "a"));
    queue.push(op(Kind::Post, 2, "b"));
    queue.push(op(Kind::Update, 1, "c"));
    queue.push(op(Kind::Update, 2, "d"));
    EXPECT_EQ(drain(queue), (std::vector<std::string>{"update:1:c", "post:2:d"}));
}

TEST(ANotifyQueue, DropsWhatWaitsForAClosedNotification) {
    NotifyQueue queue;
    queue.push(op(Kind::Update, 1, "a"));
    queue.push(op(Kind::Close, 1));
    queue.push(op(Kind::Update, 1, "after the close"));  // the caller no longer sends these
    EXPECT_EQ(drain(queue), (std::vector<std::string>{"close:1:", "update:1:after the close"}));
}

TEST(ANotifyQueue, SendsNothingForANotificationClosedBeforeItWasPosted) {
    NotifyQueue queue;
    queue.push(op(Kind::Post, 1, "a"));
    queue.push(op(Kind::Update, 1, "b"));
    queue.push(op(Kind::Close, 1));
    EXPECT_TRUE(queue.empty());
}

TEST(ANotifyQueue, AsksForCapabilitiesOnceWhileTheQuestionWaits) {
    NotifyQueue queue;
    queue.push({.kind = Kind::Capabilities});
    queue.push(op(Kind::Post, 1, "a"));
    queue.push({.kind = Kind::Capabilities});
    queue.push(op(Kind::Close, 1));
    EXPECT_EQ(drain(queue), std::vector<std::string>{"caps:0:"});
}

}  // namespace
}  // namespace nocontact::daemon
